package main

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

const accountID = "123456789012"

// placeholders makes the values the stand-in "AWS" assigns: well-formed, never real.
type placeholders struct {
	typeName string
	region   string
	name     string // the object's own name, if its configuration gives one
}

func fillUnknowns(v tftypes.Value, ph placeholders) (tftypes.Value, error) {
	return tftypes.Transform(v, func(path *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() {
			return v, nil
		}
		return ph.value(path, v.Type()), nil
	})
}

// value is the placeholder for the attribute at path, by its name and type.
func (ph placeholders) value(path *tftypes.AttributePath, typ tftypes.Type) tftypes.Value {
	attr := ""
	if steps := path.Steps(); len(steps) > 0 {
		if n, ok := steps[len(steps)-1].(tftypes.AttributeName); ok {
			attr = string(n)
		}
	}
	switch {
	case typ.Is(tftypes.String):
		return tftypes.NewValue(tftypes.String, ph.str(attr))
	case typ.Is(tftypes.Number):
		n := int64(0)
		if strings.HasSuffix(attr, "version") {
			n = 1
		}
		return tftypes.NewValue(tftypes.Number, big.NewFloat(float64(n)))
	case typ.Is(tftypes.Bool):
		return tftypes.NewValue(tftypes.Bool, false)
	case typ.Is(tftypes.List{}), typ.Is(tftypes.Set{}), typ.Is(tftypes.Tuple{}):
		return tftypes.NewValue(typ, []tftypes.Value{})
	case typ.Is(tftypes.Map{}):
		return tftypes.NewValue(typ, map[string]tftypes.Value{})
	case typ.Is(tftypes.Object{}):
		obj := typ.(tftypes.Object)
		vals := map[string]tftypes.Value{}
		for n, t := range obj.AttributeTypes {
			vals[n] = tftypes.NewValue(t, nil)
		}
		return tftypes.NewValue(typ, vals)
	}
	return tftypes.NewValue(typ, nil)
}

func (ph placeholders) str(attr string) string {
	name := ph.name
	if name == "" {
		name = "placeholder"
	}
	svc := service(ph.typeName)
	switch {
	case attr == "arn" || attr == "qualified_arn":
		return ph.arn(name)
	case attr == "invoke_arn":
		return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", partitionOf(ph.region), ph.region, ph.arn(name))
	case strings.HasSuffix(attr, "_arn"):
		return fmt.Sprintf("arn:%s:%s:%s:%s:%s", partitionOf(ph.region), svc, regionFor(svc, ph.region), accountID, strings.TrimSuffix(attr, "_arn")+"/"+name)
	case attr == "id" || attr == "name" || attr == "function_name":
		return name
	case attr == "account_id" || attr == "owner_id" || attr == "owner" || attr == "registry_id":
		return accountID
	case attr == "partition":
		return partitionOf(ph.region)
	case attr == "region":
		return ph.region
	case attr == "dns_suffix":
		return dnsSuffix(ph.region)
	case attr == "url" || strings.HasSuffix(attr, "_url"):
		return fmt.Sprintf("https://%s.%s.%s/%s/%s", svc, ph.region, dnsSuffix(ph.region), accountID, name)
	case strings.HasSuffix(attr, "json") || strings.HasSuffix(attr, "policy"):
		return "{}"
	case strings.HasSuffix(attr, "_date") || strings.HasSuffix(attr, "_modified") || attr == "last_modified":
		return "2026-01-01T00:00:00Z"
	}
	return attr + "-placeholder"
}

// arn is the object's own ARN: arn:<partition>:<service>:<region>:<account>:<resource>.
func (ph placeholders) arn(name string) string {
	svc := service(ph.typeName)
	resource := name
	if kind, ok := arnResource[ph.typeName]; ok {
		resource = kind + name
	}
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", partitionOf(ph.region), svc, regionFor(svc, ph.region), accountID, resource)
}

// service is the ARN service of a type (aws_cloudwatch_event_rule → events); the first word otherwise.
func service(typeName string) string {
	rest := strings.TrimPrefix(typeName, "aws_")
	for _, p := range [][2]string{
		{"cloudwatch_event_", "events"}, {"cloudwatch_log_", "logs"}, {"cloudwatch_", "cloudwatch"},
		{"lambda_", "lambda"}, {"iam_", "iam"}, {"secretsmanager_", "secretsmanager"}, {"caller_identity", "iam"},
	} {
		if strings.HasPrefix(rest, p[0]) {
			return p[1]
		}
	}
	return strings.SplitN(rest, "_", 2)[0]
}

var arnResource = map[string]string{
	"aws_lambda_function":         "function:",
	"aws_iam_role":                "role/",
	"aws_iam_policy":              "policy/",
	"aws_cloudwatch_event_rule":   "rule/",
	"aws_cloudwatch_event_bus":    "event-bus/",
	"aws_cloudwatch_log_group":    "log-group:",
	"aws_cloudwatch_metric_alarm": "alarm:",
	"aws_secretsmanager_secret":   "secret:",
	"aws_kms_key":                 "key/",
	"aws_kms_alias":               "alias/",
	"aws_ecr_repository":          "repository/",
	"aws_ecs_cluster":             "cluster/",
	"aws_ecs_service":             "service/",
	"aws_ecs_task_definition":     "task-definition/",
	"aws_ssm_parameter":           "parameter/",
}

func regionFor(svc, region string) string {
	if svc == "iam" {
		return ""
	}
	return region
}

func partitionOf(region string) string {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	}
	return "aws"
}

func dnsSuffix(region string) string {
	if partitionOf(region) == "aws-cn" {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// nameOf is the first known name-like attribute of an object.
func nameOf(v tftypes.Value) string {
	for _, k := range []string{"name", "function_name", "queue_name", "role", "rule", "secret_id", "name_prefix", "alias"} {
		if s := stringAttr(v, k); s != "" {
			return s
		}
	}
	return ""
}

func stringAttr(obj tftypes.Value, name string) string {
	if !obj.IsKnown() || obj.IsNull() || !obj.Type().Is(tftypes.Object{}) {
		return ""
	}
	var attrs map[string]tftypes.Value
	if err := obj.As(&attrs); err != nil {
		return ""
	}
	a, ok := attrs[name]
	if !ok || !a.IsKnown() || a.IsNull() || !a.Type().Is(tftypes.String) {
		return ""
	}
	var s string
	_ = a.As(&s)
	return s
}

// dataSourceValues gives real answers for the data sources modules build on, keyed by attribute.
func dataSourceValues(typeName string, cfg tftypes.Value, region string) (map[string]string, error) {
	switch typeName {
	case "aws_caller_identity":
		return map[string]string{
			"account_id": accountID, "id": accountID, "user_id": "AIDAPLACEHOLDER",
			"arn": fmt.Sprintf("arn:%s:iam::%s:user/placeholder", partitionOf(region), accountID),
		}, nil
	case "aws_partition":
		p := partitionOf(region)
		return map[string]string{"partition": p, "id": p, "dns_suffix": dnsSuffix(region), "reverse_dns_prefix": reverseDNS(dnsSuffix(region))}, nil
	case "aws_region":
		if n := stringAttr(cfg, "name"); n != "" {
			region = n
		}
		return map[string]string{"name": region, "region": region, "id": region, "description": region, "endpoint": "ec2." + region + "." + dnsSuffix(region)}, nil
	case "aws_iam_policy_document":
		doc, err := policyDocument(cfg)
		if err != nil {
			return nil, err
		}
		return map[string]string{"json": doc.indented, "minified_json": doc.minified, "id": fmt.Sprint(len(doc.minified))}, nil
	}
	return map[string]string{}, nil
}

func reverseDNS(suffix string) string {
	parts := strings.Split(suffix, ".")
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, ".")
}

// native converts a known value to Go: map[string]any, []any, string, *big.Float, bool or nil.
func native(v tftypes.Value) any {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return s
	case t.Is(tftypes.Number):
		var n big.Float
		_ = v.As(&n)
		return &n
	case t.Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return b
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}), t.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		_ = v.As(&elems)
		out := []any{}
		for _, e := range elems {
			out = append(out, native(e))
		}
		return out
	default:
		var m map[string]tftypes.Value
		_ = v.As(&m)
		out := map[string]any{}
		for k, e := range m {
			out[k] = native(e)
		}
		return out
	}
}

type renderedPolicy struct{ indented, minified string }

// policyDocument renders aws_iam_policy_document's statements as IAM JSON, like the real data
// source does for its common arguments (source and override documents are not merged).
func policyDocument(cfg tftypes.Value) (renderedPolicy, error) {
	c, _ := native(cfg).(map[string]any)
	type statement struct {
		Sid          string         `json:"Sid,omitempty"`
		Effect       string         `json:"Effect"`
		Action       any            `json:"Action,omitempty"`
		NotAction    any            `json:"NotAction,omitempty"`
		Resource     any            `json:"Resource,omitempty"`
		NotResource  any            `json:"NotResource,omitempty"`
		Principal    any            `json:"Principal,omitempty"`
		NotPrincipal any            `json:"NotPrincipal,omitempty"`
		Condition    map[string]any `json:"Condition,omitempty"`
	}
	doc := struct {
		Version   string      `json:"Version"`
		ID        string      `json:"Id,omitempty"`
		Statement []statement `json:"Statement"`
	}{Version: "2012-10-17", Statement: []statement{}}
	if v, ok := c["version"].(string); ok {
		doc.Version = v
	}
	if v, ok := c["policy_id"].(string); ok {
		doc.ID = v
	}
	stmts, _ := c["statement"].([]any)
	for _, raw := range stmts {
		s, _ := raw.(map[string]any)
		st := statement{Effect: "Allow"}
		if e, ok := s["effect"].(string); ok {
			st.Effect = e
		}
		st.Sid, _ = s["sid"].(string)
		st.Action, st.NotAction = oneOrMany(s["actions"]), oneOrMany(s["not_actions"])
		st.Resource, st.NotResource = oneOrMany(s["resources"]), oneOrMany(s["not_resources"])
		st.Principal, st.NotPrincipal = principals(s["principals"]), principals(s["not_principals"])
		if conds, _ := s["condition"].([]any); len(conds) > 0 {
			st.Condition = map[string]any{}
			for _, rc := range conds {
				cond, _ := rc.(map[string]any)
				test, _ := cond["test"].(string)
				variable, _ := cond["variable"].(string)
				byVar, _ := st.Condition[test].(map[string]any)
				if byVar == nil {
					byVar = map[string]any{}
					st.Condition[test] = byVar
				}
				byVar[variable] = oneOrMany(cond["values"])
			}
		}
		doc.Statement = append(doc.Statement, st)
	}
	indented, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return renderedPolicy{}, err
	}
	minified, err := json.Marshal(doc)
	if err != nil {
		return renderedPolicy{}, err
	}
	return renderedPolicy{indented: string(indented), minified: string(minified)}, nil
}

// oneOrMany is IAM's form of a string list: one string alone, several as an array, none omitted.
func oneOrMany(v any) any {
	list, _ := v.([]any)
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	return list
}

// principals renders principal blocks: {"Service": …, "AWS": …}, or "*" for `type = "*"`.
func principals(v any) any {
	list, _ := v.([]any)
	if len(list) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, raw := range list {
		p, _ := raw.(map[string]any)
		typ, _ := p["type"].(string)
		if typ == "*" {
			return "*"
		}
		out[typ] = oneOrMany(p["identifiers"])
	}
	return out
}
