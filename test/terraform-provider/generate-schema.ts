// Writes the hashicorp/aws provider schema, in the format of `terraform providers schema -json`,
// derived from the jsii assembly and compiled bindings of @cdktf/provider-aws (hashicorp/aws 6.25.0).
// The stand-in provider (main.go) serves it so that real Terraform can run offline.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";

/** Types our Terraform does not use yet but soon will; served so that new code validates. */
export const EXTRA_TYPES = {
  resources: [
    "aws_cloudwatch_event_bus",
    "aws_cloudwatch_event_bus_policy",
    "aws_ecr_repository",
    "aws_ecr_repository_policy",
    "aws_ecs_cluster",
    "aws_ecs_service",
    "aws_ecs_task_definition",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "aws_kms_alias",
    "aws_kms_key",
    "aws_lambda_event_source_mapping",
    "aws_sns_topic",
    "aws_sns_topic_policy",
    "aws_ssm_parameter",
  ],
  dataSources: [
    "aws_ecs_task_definition",
    "aws_iam_role",
    "aws_kms_key",
    "aws_organizations_organization",
    "aws_secretsmanager_secret",
    "aws_ssm_parameter",
  ],
} as const;

// ---- Output format (https://developer.hashicorp.com/terraform/cli/commands/providers/schema) ----

export type CtyType = string | [string, CtyType] | ["object", Record<string, CtyType>];

export interface SchemaAttribute {
  type?: CtyType;
  nested_type?: {
    nesting_mode: "single" | "list" | "set" | "map";
    attributes: Record<string, SchemaAttribute>;
  };
  description?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  write_only?: boolean;
}

export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
}

export interface SchemaBlockType {
  nesting_mode: "single" | "list" | "set";
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}

export interface ProviderSchemas {
  format_version: "1.0";
  provider_schemas: Record<
    string,
    {
      provider: { version: 0; block: SchemaBlock };
      resource_schemas: Record<string, { version: 0; block: SchemaBlock }>;
      data_source_schemas: Record<string, { version: 0; block: SchemaBlock }>;
    }
  >;
}

// ---- jsii assembly (only the parts we read) ----

interface JsiiTypeRef {
  primitive?: "string" | "number" | "boolean" | "any" | "json" | "date";
  fqn?: string;
  collection?: { kind: "array" | "map"; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

interface JsiiProperty {
  name: string;
  type: JsiiTypeRef;
  optional?: boolean;
  static?: boolean;
  docs?: { summary?: string; remarks?: string };
}

interface JsiiType {
  fqn: string;
  name: string;
  kind: "class" | "interface" | "enum";
  docs?: { summary?: string };
  properties?: JsiiProperty[];
  locationInModule?: { filename: string };
  initializer?: { parameters?: { type: JsiiTypeRef }[] };
}

interface JsiiAssembly {
  types: Record<string, JsiiType>;
}

// ---- compiled bindings (lib/<type>/index.js): the only place that tells list from set ----

interface HclAttr {
  isBlock: boolean;
  type: "simple" | "list" | "set" | "map" | "struct";
  storageClassType: string;
}

interface JsModule {
  /** Per `xToHclTerraform` function (struct name, first letter lower) or class name: tf name → entry. */
  hclAttrs: Map<string, Map<string, HclAttr>>;
  /** Per class: camelCase getter → its body expression. */
  getters: Map<string, Map<string, string>>;
  /** Per class: private field → [class constructed, tf name, wrapsSet]. */
  fields: Map<string, Map<string, { cls: string; tfName: string; wrapsSet: boolean }>>;
}

// Line-anchored: an unanchored form of this pattern backtracks for seconds on these 300 kB files.
const HCL_ATTR =
  /^ +(\w+): \{\n +value: .*\n +isBlock: (true|false),\n +type: "(\w+)",\n +storageClassType: "(\w+)"/gm;
const GETTER = /\n\s+get (\w+)\(\) \{\n\s+return (.*);\n\s+\}/g;
const FIELD = /this\.(_\w+) = new (\w+)\(this, "(\w+)"(?:, (true|false))?\)/g;

function parseJsModule(source: string): JsModule {
  const mod: JsModule = { hclAttrs: new Map(), getters: new Map(), fields: new Map() };
  // Top-level declarations start at column 0; each chunk is one function or class.
  for (const chunk of source.split(/\n(?=function |class )/)) {
    const fn = /^function (\w+)ToHclTerraform\(/.exec(chunk);
    const cls = /^class (\w+) /.exec(chunk);
    const attrs = new Map<string, HclAttr>();
    for (const m of chunk.matchAll(HCL_ATTR)) {
      attrs.set(m[1] as string, {
        isBlock: m[2] === "true",
        type: m[3] as HclAttr["type"],
        storageClassType: m[4] as string,
      });
    }
    if (fn) mod.hclAttrs.set(fn[1] as string, attrs);
    if (!cls) continue;
    const name = cls[1] as string;
    if (attrs.size > 0) mod.hclAttrs.set(name, attrs);
    const getters = new Map<string, string>();
    for (const m of chunk.matchAll(GETTER)) getters.set(m[1] as string, m[2] as string);
    mod.getters.set(name, getters);
    const fields = new Map<string, { cls: string; tfName: string; wrapsSet: boolean }>();
    for (const m of chunk.matchAll(FIELD)) {
      fields.set(m[1] as string, {
        cls: m[2] as string,
        tfName: m[3] as string,
        wrapsSet: m[4] === "true",
      });
    }
    mod.fields.set(name, fields);
  }
  return mod;
}

// ---- derivation ----

export interface GenerateOptions {
  jsiiPath: string;
  libDir: string;
  /** Resource and data-source types to serve; undefined serves every type. */
  types?: {
    resources: Iterable<string>;
    dataSources: Iterable<string>;
    /** Binding modules imported by TypeScript (`lib/lambda-function`): their types are served too. */
    bindings?: Iterable<string>;
  };
}

/** The documented sign of an argument the provider fills in from its own region when unset. */
const DEFAULTS_TO_PROVIDER_REGION = /Defaults to the Region set in the \[provider configuration\]/;

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** `_wo` attributes are write-only in hashicorp/aws (e.g. `secret_string_wo`); the jsii docs do not say so. */
export const isWriteOnlyName = (tfName: string): boolean => tfName.endsWith("_wo");

class Deriver {
  private readonly modules = new Map<string, JsModule>();

  constructor(
    private readonly jsii: JsiiAssembly,
    private readonly libDir: string,
  ) {}

  private type(fqn: string): JsiiType {
    const t = this.jsii.types[fqn];
    if (!t) throw new Error(`jsii assembly has no type ${fqn}`);
    return t;
  }

  private module(t: JsiiType): JsModule {
    const file = t.locationInModule?.filename;
    if (!file) throw new Error(`jsii type ${t.fqn} has no source location`);
    let mod = this.modules.get(file);
    if (!mod) {
      const js = join(this.libDir, file.replace(/^src\//, "").replace(/\.ts$/, ".js"));
      mod = parseJsModule(readFileSync(js, "utf8"));
      this.modules.set(file, mod);
    }
    return mod;
  }

  /**
   * The block described by a struct interface (configurable properties; absent for computed-only
   * objects) and the class that reads it back (OutputReference or the resource class).
   */
  block(
    ifaceFqn: string | undefined,
    classFqn: string,
    hclKey: string,
    topLevel: boolean,
    dataSource = false,
  ): SchemaBlock {
    // Provider blocks have no read-back class: the struct interface stands in for it.
    const cls = this.jsii.types[classFqn] ?? this.type(ifaceFqn ?? classFqn);
    const mod = this.module(cls);
    const hcl = mod.hclAttrs.get(hclKey) ?? new Map<string, HclAttr>();
    const attributes: Record<string, SchemaAttribute> = {};
    const blockTypes: Record<string, SchemaBlockType> = {};
    const classProps = new Map((cls.properties ?? []).map((p) => [p.name, p]));
    const configurable = new Set<string>();

    for (const prop of ifaceFqn ? (this.type(ifaceFqn).properties ?? []) : []) {
      const summary = prop.docs?.summary ?? "";
      const link = /#(\w+) \w+#\w+\}/.exec(`${summary} ${prop.docs?.remarks ?? ""}`);
      if (!link) continue; // cdktf meta-arguments (count, provider, …) carry no registry link
      const tfName = link[1] as string;
      configurable.add(tfName);
      const entry = hcl.get(tfName);
      const structFqn = structOf(prop.type);
      const isBlockDoc = summary.endsWith(" block.");
      if (structFqn && isBlockDoc) {
        const struct = lowerFirst(this.type(structFqn).name);
        const block = this.block(structFqn, `${structFqn}OutputReference`, struct, false);
        let nesting: SchemaBlockType["nesting_mode"] =
          entry?.type === "struct" ? "single" : entry?.type === "set" ? "set" : "list";
        // cdktf types what it cannot model (aws_wafv2_web_acl's recursive `statement`) as `any`;
        // Terraform refuses a set block holding a dynamic attribute, so such a set becomes a list.
        const attrs = Object.values(block.attributes ?? {});
        if (nesting === "set" && attrs.some((a) => a.type === "dynamic")) nesting = "list";
        const readBack = classProps.get(prop.name)?.type.fqn ?? "";
        const bt: SchemaBlockType = { nesting_mode: nesting, block };
        if (!prop.optional) bt.min_items = 1;
        if (nesting !== "single" && readBack.endsWith("OutputReference")) bt.max_items = 1;
        blockTypes[tfName] = bt;
        continue;
      }
      const attr: SchemaAttribute = {};
      if (structFqn) {
        const nesting = entry?.type === "struct" ? "single" : (entry?.type ?? "list");
        attr.nested_type = {
          nesting_mode: nesting === "simple" ? "single" : nesting,
          attributes:
            this.block(
              structFqn,
              `${structFqn}OutputReference`,
              lowerFirst(this.type(structFqn).name),
              false,
            ).attributes ?? {},
        };
      } else {
        attr.type = ctyOf(prop.type, entry?.type === "set");
      }
      if (tfName === "id" && topLevel) {
        attr.optional = true;
        attr.computed = true;
      } else if (prop.optional) {
        attr.optional = true;
        // A data source's optional arguments are often also answers (aws_region.region): computed too.
        if (dataSource) attr.computed = true;
        // Provider 6's per-resource `region` is planned as the provider's region when unset.
        if (DEFAULTS_TO_PROVIDER_REGION.test(summary)) {
          attr.computed = true;
          attr.description = summary;
        }
      } else attr.required = true;
      if (isWriteOnlyName(tfName)) attr.write_only = true;
      // hashicorp/aws computes tags_all (tags merged over the provider's default_tags) everywhere.
      if (tfName === "tags_all" && topLevel) attr.computed = true;
      attributes[tfName] = attr;
    }

    // Read-only attributes: getters that read a Terraform attribute the configuration cannot set.
    const getters =
      cls.kind === "class" ? (mod.getters.get(cls.name) ?? new Map<string, string>()) : new Map();
    const fields = mod.fields.get(cls.name) ?? new Map();
    for (const [camel, body] of getters) {
      const prop = classProps.get(camel);
      if (!prop || prop.static) continue;
      const computed = this.computedAttr(body, prop, fields, cls);
      if (!computed || configurable.has(computed.tfName)) continue;
      attributes[computed.tfName] = { type: computed.type, computed: true };
    }
    if (topLevel && !attributes.id)
      attributes.id = { type: "string", optional: true, computed: true };

    const out: SchemaBlock = {};
    if (Object.keys(attributes).length > 0) out.attributes = sortKeys(attributes);
    if (Object.keys(blockTypes).length > 0) out.block_types = sortKeys(blockTypes);
    return out;
  }

  private computedAttr(
    body: string,
    prop: JsiiProperty,
    fields: Map<string, { cls: string; tfName: string; wrapsSet: boolean }>,
    owner: JsiiType,
  ): { tfName: string; type: CtyType } | undefined {
    const simple =
      /^(cdktf\.Token\.asNumberList\()?(cdktf\.Fn\.tolist\()?this\.(\w+)\('(\w+)'\)\)?\)?$/.exec(
        body,
      );
    if (simple) {
      const isSet = Boolean(simple[2]);
      const tfName = simple[4] as string;
      const byGetter: Record<string, CtyType> = {
        getStringAttribute: "string",
        getNumberAttribute: "number",
        getBooleanAttribute: "bool",
        getStringMapAttribute: ["map", "string"],
        getNumberMapAttribute: ["map", "number"],
        getBooleanMapAttribute: ["map", "bool"],
        getListAttribute: [isSet ? "set" : "list", "string"],
        getNumberListAttribute: [isSet ? "set" : "list", "number"],
      };
      const type = byGetter[simple[3] as string] ?? ctyOf(prop.type, isSet);
      return { tfName, type };
    }
    const field = /^this\.(_\w+)$/.exec(body);
    const made = field ? fields.get(field[1] as string) : undefined;
    if (!made) return undefined;
    const ns = owner.fqn.slice(0, owner.fqn.length - owner.name.length);
    const objectOf = (base: string): CtyType => {
      const ref = `${ns}${base}OutputReference`;
      const attrs = this.block(
        this.jsii.types[`${ns}${base}`] ? `${ns}${base}` : undefined,
        ref,
        base,
        false,
      );
      return ["object", objectTypeOf(attrs)];
    };
    if (made.cls.endsWith("OutputReference")) {
      return { tfName: made.tfName, type: objectOf(made.cls.slice(0, -"OutputReference".length)) };
    }
    if (made.cls.endsWith("List")) {
      return {
        tfName: made.tfName,
        type: [made.wrapsSet ? "set" : "list", objectOf(made.cls.slice(0, -4))],
      };
    }
    if (made.cls.endsWith("Map")) {
      return { tfName: made.tfName, type: ["map", objectOf(made.cls.slice(0, -3))] };
    }
    return undefined;
  }
}

function structOf(t: JsiiTypeRef): string | undefined {
  if (t.fqn && !t.fqn.startsWith("cdktf.")) return t.fqn;
  if (t.collection) return structOf(t.collection.elementtype);
  if (t.union) {
    for (const u of t.union.types) {
      const s = structOf(u);
      if (s) return s;
    }
  }
  return undefined;
}

function ctyOf(t: JsiiTypeRef, outerIsSet: boolean): CtyType {
  if (t.union) {
    const real = t.union.types.filter((u) => u.fqn !== "cdktf.IResolvable");
    return ctyOf(real[0] ?? { primitive: "any" }, outerIsSet);
  }
  if (t.collection) {
    const kind = t.collection.kind === "map" ? "map" : outerIsSet ? "set" : "list";
    return [kind, ctyOf(t.collection.elementtype, false)];
  }
  switch (t.primitive) {
    case "string":
    case "date":
      return "string";
    case "number":
      return "number";
    case "boolean":
      return "bool";
    default:
      return "dynamic";
  }
}

/** A computed-only object's attribute types (its nested blocks, if any, become nested objects). */
function objectTypeOf(block: SchemaBlock): Record<string, CtyType> {
  const out: Record<string, CtyType> = {};
  for (const [name, a] of Object.entries(block.attributes ?? {})) out[name] = a.type ?? "dynamic";
  for (const [name, b] of Object.entries(block.block_types ?? {})) {
    const obj: CtyType = ["object", objectTypeOf(b.block)];
    out[name] = b.nesting_mode === "single" ? obj : [b.nesting_mode, obj];
  }
  return sortKeys(out);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The binding module a class comes from: `src/lambda-function/index.ts` → `lambda-function`. */
const bindingOf = (t: JsiiType): string =>
  (t.locationInModule?.filename ?? "").replace(/^src\//, "").replace(/\/index\.ts$/, "");

/** Every resource and data-source class in the assembly, by Terraform type name. */
function indexTypes(jsii: JsiiAssembly): {
  resources: Map<string, JsiiType>;
  dataSources: Map<string, JsiiType>;
} {
  const resources = new Map<string, JsiiType>();
  const dataSources = new Map<string, JsiiType>();
  for (const t of Object.values(jsii.types)) {
    if (t.kind !== "class") continue;
    const m = /^Represents a \{@link \S+\/docs\/(resources|data-sources)\/\w+ (aws_\w+)\}/.exec(
      t.docs?.summary ?? "",
    );
    if (!m) continue;
    (m[1] === "resources" ? resources : dataSources).set(m[2] as string, t);
  }
  return { resources, dataSources };
}

export function generateSchema(options: GenerateOptions): ProviderSchemas {
  const jsii = JSON.parse(readFileSync(options.jsiiPath, "utf8")) as JsiiAssembly;
  const deriver = new Deriver(jsii, options.libDir);
  const index = indexTypes(jsii);

  const bindings = new Set(options.types?.bindings ?? []);
  const pick = (
    all: Map<string, JsiiType>,
    wanted: Iterable<string> | undefined,
    kind: "resource" | "data source",
  ) => {
    const out: Record<string, { version: 0; block: SchemaBlock }> = {};
    const bound = [...all].filter(([, t]) => bindings.has(bindingOf(t))).map(([name]) => name);
    const names = wanted ? [...new Set([...wanted, ...bound])].sort() : [...all.keys()].sort();
    for (const name of names) {
      const cls = all.get(name);
      if (!cls) throw new Error(`hashicorp/aws 6.25.0 has no ${kind} ${name}`);
      // (scope, id, config): the config interface is usually `<Class>Config`, renamed on clashes.
      const config = cls.initializer?.parameters?.[2]?.type.fqn ?? `${cls.fqn}Config`;
      out[name] = {
        version: 0,
        block: deriver.block(config, cls.fqn, cls.name, true, kind === "data source"),
      };
    }
    return out;
  };

  const providerFqn = "@cdktf/provider-aws.provider.AwsProvider";
  const providerBlock = deriver.block(`${providerFqn}Config`, providerFqn, "AwsProvider", false);
  // cdktf's own `alias` is the meta-argument, not a provider attribute.
  delete providerBlock.attributes?.alias;

  return {
    format_version: "1.0",
    provider_schemas: {
      [PROVIDER_ADDRESS]: {
        provider: { version: 0, block: providerBlock },
        resource_schemas: pick(index.resources, options.types?.resources, "resource"),
        data_source_schemas: pick(index.dataSources, options.types?.dataSources, "data source"),
      },
    },
  };
}

// ---- which types our Terraform uses ----

/** Files under `path` (or `path` itself) that `keep` accepts; nothing if it does not exist. */
function walk(path: string, keep: (path: string) => boolean, out: string[] = []): string[] {
  if (!existsSync(path)) return out;
  if (!statSync(path).isDirectory()) {
    if (keep(path)) out.push(path);
    return out;
  }
  const dir = path;
  for (const e of readdirSync(dir).sort()) {
    if (e === "node_modules" || e === ".terraform" || e.startsWith(".git")) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) walk(p, keep, out);
    else if (keep(p)) out.push(p);
  }
  return out;
}

/**
 * `aws_*` resource and data-source types named in the Terraform (JSON and HCL) under `roots`,
 * and the provider bindings its TypeScript (constructs, the cdktf example) imports.
 */
export function usedTypes(roots: string[]): {
  resources: Set<string>;
  dataSources: Set<string>;
  bindings: Set<string>;
  files: string[];
} {
  const resources = new Set<string>();
  const dataSources = new Set<string>();
  const bindings = new Set<string>();
  const files = roots.flatMap((r) =>
    walk(
      r,
      (p) =>
        /\.(tf|tf\.json|tftest\.hcl|tfmock\.hcl)$/.test(p) ||
        (/\.ts$/.test(p) && !p.endsWith(".d.ts")),
    ),
  );
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    if (file.endsWith(".ts")) {
      for (const m of text.matchAll(/["']@cdktf\/provider-aws\/lib\/([a-z0-9-]+)["']/g)) {
        bindings.add(m[1] as string);
      }
      continue;
    }
    if (file.endsWith(".json")) {
      const doc = JSON.parse(text) as { resource?: object; data?: object };
      for (const t of Object.keys(doc.resource ?? {})) if (t.startsWith("aws_")) resources.add(t);
      for (const t of Object.keys(doc.data ?? {})) if (t.startsWith("aws_")) dataSources.add(t);
      continue;
    }
    for (const m of text.matchAll(/^\s*(resource|data|mock_resource|mock_data)\s+"(aws_\w+)"/gm)) {
      (m[1] === "resource" || m[1] === "mock_resource" ? resources : dataSources).add(
        m[2] as string,
      );
    }
  }
  return { resources, dataSources, bindings, files };
}

/** Where our Terraform and the TypeScript that synthesises Terraform live (install-tools.sh hashes the same). */
export const SCANNED = ["terraform", "examples", "modules", "main.ts"] as const;

export function defaultOptions(root: string, all = false): GenerateOptions {
  const pkg = join(root, "node_modules/@cdktf/provider-aws");
  const options: GenerateOptions = { jsiiPath: join(pkg, ".jsii"), libDir: join(pkg, "lib") };
  if (!all) {
    const used = usedTypes(SCANNED.map((dir) => join(root, dir)));
    options.types = {
      resources: [...used.resources, ...EXTRA_TYPES.resources],
      dataSources: [...used.dataSources, ...EXTRA_TYPES.dataSources],
      bindings: used.bindings,
    };
  }
  return options;
}

function main(argv: string[]): void {
  const out = argv.find((a) => !a.startsWith("--"));
  if (!out) {
    process.stderr.write(
      "usage: tsx test/terraform-provider/generate-schema.ts [--all] <out.json>\n",
    );
    process.exit(2);
  }
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
  const options = defaultOptions(root, argv.includes("--all"));
  const schema = generateSchema(options);
  writeFileSync(out, `${JSON.stringify(schema)}\n`);
  const p = schema.provider_schemas[PROVIDER_ADDRESS];
  process.stdout.write(
    `wrote ${relative(process.cwd(), out)}: ${Object.keys(p?.resource_schemas ?? {}).length} resource types, ` +
      `${Object.keys(p?.data_source_schemas ?? {}).length} data sources\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  main(process.argv.slice(2));
