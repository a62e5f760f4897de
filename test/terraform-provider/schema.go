package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// schema.json is written by generate-schema.ts (in the format of `terraform providers schema -json`)
// before the build; it is not committed.
//
//go:embed schema.json
var schemaJSON []byte

const providerAddress = "registry.terraform.io/hashicorp/aws"

type jsonSchemas struct {
	ProviderSchemas map[string]struct {
		Provider          jsonSchema            `json:"provider"`
		ResourceSchemas   map[string]jsonSchema `json:"resource_schemas"`
		DataSourceSchemas map[string]jsonSchema `json:"data_source_schemas"`
	} `json:"provider_schemas"`
}

type jsonSchema struct {
	Version int64     `json:"version"`
	Block   jsonBlock `json:"block"`
}

type jsonBlock struct {
	Attributes map[string]jsonAttribute `json:"attributes"`
	BlockTypes map[string]jsonBlockType `json:"block_types"`
}

type jsonAttribute struct {
	Type       json.RawMessage `json:"type"`
	NestedType *struct {
		NestingMode string                   `json:"nesting_mode"`
		Attributes  map[string]jsonAttribute `json:"attributes"`
	} `json:"nested_type"`
	Description string `json:"description"`
	Required    bool   `json:"required"`
	Optional    bool   `json:"optional"`
	Computed    bool   `json:"computed"`
	Sensitive   bool   `json:"sensitive"`
	WriteOnly   bool   `json:"write_only"`
}

type jsonBlockType struct {
	NestingMode string    `json:"nesting_mode"`
	Block       jsonBlock `json:"block"`
	MinItems    int64     `json:"min_items"`
	MaxItems    int64     `json:"max_items"`
}

// schemas holds the served schema in protocol form, with each type's value type precomputed.
type schemas struct {
	provider    *tfprotov6.Schema
	resources   map[string]*tfprotov6.Schema
	dataSources map[string]*tfprotov6.Schema
}

func loadSchemas(raw []byte) (*schemas, error) {
	var doc jsonSchemas
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("schema.json: %w", err)
	}
	p, ok := doc.ProviderSchemas[providerAddress]
	if !ok {
		return nil, fmt.Errorf("schema.json has no provider %s", providerAddress)
	}
	out := &schemas{resources: map[string]*tfprotov6.Schema{}, dataSources: map[string]*tfprotov6.Schema{}}
	var err error
	if out.provider, err = convertSchema(p.Provider); err != nil {
		return nil, fmt.Errorf("provider: %w", err)
	}
	for name, s := range p.ResourceSchemas {
		if out.resources[name], err = convertSchema(s); err != nil {
			return nil, fmt.Errorf("resource %s: %w", name, err)
		}
	}
	for name, s := range p.DataSourceSchemas {
		if out.dataSources[name], err = convertSchema(s); err != nil {
			return nil, fmt.Errorf("data source %s: %w", name, err)
		}
	}
	return out, nil
}

func convertSchema(s jsonSchema) (*tfprotov6.Schema, error) {
	b, err := convertBlock(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.Schema{Version: s.Version, Block: b}, nil
}

func convertBlock(b jsonBlock) (*tfprotov6.SchemaBlock, error) {
	out := &tfprotov6.SchemaBlock{}
	for _, name := range sortedKeys(b.Attributes) {
		a, err := convertAttribute(name, b.Attributes[name])
		if err != nil {
			return nil, err
		}
		out.Attributes = append(out.Attributes, a)
	}
	for _, name := range sortedKeys(b.BlockTypes) {
		bt := b.BlockTypes[name]
		nested, err := convertBlock(bt.Block)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		modes := map[string]tfprotov6.SchemaNestedBlockNestingMode{
			"single": tfprotov6.SchemaNestedBlockNestingModeSingle,
			"list":   tfprotov6.SchemaNestedBlockNestingModeList,
			"set":    tfprotov6.SchemaNestedBlockNestingModeSet,
			"map":    tfprotov6.SchemaNestedBlockNestingModeMap,
		}
		mode, ok := modes[bt.NestingMode]
		if !ok {
			return nil, fmt.Errorf("%s: nesting mode %q", name, bt.NestingMode)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov6.SchemaNestedBlock{
			TypeName: name, Block: nested, Nesting: mode, MinItems: bt.MinItems, MaxItems: bt.MaxItems,
		})
	}
	return out, nil
}

func convertAttribute(name string, a jsonAttribute) (*tfprotov6.SchemaAttribute, error) {
	out := &tfprotov6.SchemaAttribute{
		Name: name, Description: a.Description, Required: a.Required, Optional: a.Optional, Computed: a.Computed,
		Sensitive: a.Sensitive, WriteOnly: a.WriteOnly,
	}
	if a.NestedType != nil {
		modes := map[string]tfprotov6.SchemaObjectNestingMode{
			"single": tfprotov6.SchemaObjectNestingModeSingle,
			"list":   tfprotov6.SchemaObjectNestingModeList,
			"set":    tfprotov6.SchemaObjectNestingModeSet,
			"map":    tfprotov6.SchemaObjectNestingModeMap,
		}
		mode, ok := modes[a.NestedType.NestingMode]
		if !ok {
			return nil, fmt.Errorf("%s: nesting mode %q", name, a.NestedType.NestingMode)
		}
		obj := &tfprotov6.SchemaObject{Nesting: mode}
		for _, n := range sortedKeys(a.NestedType.Attributes) {
			na, err := convertAttribute(n, a.NestedType.Attributes[n])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			obj.Attributes = append(obj.Attributes, na)
		}
		out.NestedType = obj
		return out, nil
	}
	t, err := ctyType(a.Type)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out.Type = t
	return out, nil
}

// ctyType reads a type in cty's JSON form: "string", ["list", "string"], ["object", {...}].
func ctyType(raw json.RawMessage) (tftypes.Type, error) {
	var prim string
	if json.Unmarshal(raw, &prim) == nil {
		switch prim {
		case "string":
			return tftypes.String, nil
		case "number":
			return tftypes.Number, nil
		case "bool":
			return tftypes.Bool, nil
		case "dynamic":
			return tftypes.DynamicPseudoType, nil
		}
		return nil, fmt.Errorf("unknown type %q", prim)
	}
	var pair []json.RawMessage
	if err := json.Unmarshal(raw, &pair); err != nil || len(pair) != 2 {
		return nil, fmt.Errorf("unreadable type %s", raw)
	}
	var kind string
	if err := json.Unmarshal(pair[0], &kind); err != nil {
		return nil, fmt.Errorf("unreadable type %s", raw)
	}
	if kind == "object" {
		var attrs map[string]json.RawMessage
		if err := json.Unmarshal(pair[1], &attrs); err != nil {
			return nil, fmt.Errorf("unreadable object type %s", raw)
		}
		obj := tftypes.Object{AttributeTypes: map[string]tftypes.Type{}}
		for n, at := range attrs {
			t, err := ctyType(at)
			if err != nil {
				return nil, err
			}
			obj.AttributeTypes[n] = t
		}
		return obj, nil
	}
	elem, err := ctyType(pair[1])
	if err != nil {
		return nil, err
	}
	switch kind {
	case "list":
		return tftypes.List{ElementType: elem}, nil
	case "set":
		return tftypes.Set{ElementType: elem}, nil
	case "map":
		return tftypes.Map{ElementType: elem}, nil
	}
	return nil, fmt.Errorf("unknown collection kind %q", kind)
}

// attributeAt returns the attribute a value path names exactly (nil inside its value or at a block).
func attributeAt(block *tfprotov6.SchemaBlock, path *tftypes.AttributePath) *tfprotov6.SchemaAttribute {
	steps := path.Steps()
	var attrs []*tfprotov6.SchemaAttribute
	blocks := block.BlockTypes
	attrs = block.Attributes
	for i := 0; i < len(steps); i++ {
		name, ok := steps[i].(tftypes.AttributeName)
		if !ok {
			return nil
		}
		var found *tfprotov6.SchemaAttribute
		for _, a := range attrs {
			if a.Name == string(name) {
				found = a
			}
		}
		if found != nil {
			if i == len(steps)-1 {
				return found
			}
			if found.NestedType == nil {
				return nil
			}
			if found.NestedType.Nesting != tfprotov6.SchemaObjectNestingModeSingle {
				i++ // element key of the list, set or map
			}
			attrs, blocks = found.NestedType.Attributes, nil
			continue
		}
		var nb *tfprotov6.SchemaNestedBlock
		for _, b := range blocks {
			if b.TypeName == string(name) {
				nb = b
			}
		}
		if nb == nil || i == len(steps)-1 {
			return nil
		}
		if nb.Nesting != tfprotov6.SchemaNestedBlockNestingModeSingle && nb.Nesting != tfprotov6.SchemaNestedBlockNestingModeGroup {
			i++
		}
		attrs, blocks = nb.Block.Attributes, nb.Block.BlockTypes
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
