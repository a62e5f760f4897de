// Command terraform-provider-aws is a stand-in for hashicorp/aws 6.25.0 that lets real Terraform
// run init, validate, test and plan offline. It serves the real provider's schema (generated from
// the cdktf bindings) and answers with placeholders: it never calls AWS.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func main() {
	s, err := loadSchemas(schemaJSON)
	if err != nil {
		log.Fatal(err)
	}
	if err := tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer {
		return &provider{schemas: s, region: defaultRegion()}
	}); err != nil {
		log.Fatal(err)
	}
}

func defaultRegion() string {
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "us-east-1"
}

type provider struct {
	schemas     *schemas
	region      string            // the provider block's region, else the environment's
	defaultTags map[string]string // the provider block's default_tags
}

var _ tfprotov6.ProviderServer = (*provider)(nil)

func errorDiag(format string, args ...any) []*tfprotov6.Diagnostic {
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: fmt.Sprintf(format, args...)}}
}

func (p *provider) resource(typeName string) (*tfprotov6.Schema, []*tfprotov6.Diagnostic) {
	s, ok := p.schemas.resources[typeName]
	if !ok {
		return nil, errorDiag("The stand-in aws provider does not serve resource type %s: add it to EXTRA_TYPES in test/terraform-provider/generate-schema.ts", typeName)
	}
	return s, nil
}

// placeholders for an object: its own region (provider 6's per-resource region) or the provider's.
func (p *provider) placeholders(typeName string, obj tftypes.Value) placeholders {
	region := stringAttr(obj, "region")
	if region == "" {
		region = p.region
	}
	return placeholders{typeName: typeName, region: region, name: nameOf(obj)}
}

func (p *provider) GetMetadata(context.Context, *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	resp := &tfprotov6.GetMetadataResponse{ServerCapabilities: &tfprotov6.ServerCapabilities{PlanDestroy: true}}
	for _, n := range sortedKeys(p.schemas.resources) {
		resp.Resources = append(resp.Resources, tfprotov6.ResourceMetadata{TypeName: n})
	}
	for _, n := range sortedKeys(p.schemas.dataSources) {
		resp.DataSources = append(resp.DataSources, tfprotov6.DataSourceMetadata{TypeName: n})
	}
	return resp, nil
}

func (p *provider) GetProviderSchema(context.Context, *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return &tfprotov6.GetProviderSchemaResponse{
		ServerCapabilities: &tfprotov6.ServerCapabilities{PlanDestroy: true},
		Provider:           p.schemas.provider,
		ResourceSchemas:    p.schemas.resources,
		DataSourceSchemas:  p.schemas.dataSources,
	}, nil
}

func (p *provider) GetResourceIdentitySchemas(context.Context, *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return &tfprotov6.GetResourceIdentitySchemasResponse{}, nil
}

func (p *provider) ValidateProviderConfig(_ context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{PreparedConfig: req.Config}, nil
}

func (p *provider) ConfigureProvider(_ context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	cfg, err := req.Config.Unmarshal(p.schemas.provider.ValueType())
	if err != nil {
		return &tfprotov6.ConfigureProviderResponse{Diagnostics: errorDiag("provider configuration: %s", err)}, nil
	}
	if r := stringAttr(cfg, "region"); r != "" {
		p.region = r
	}
	c, _ := native(cfg).(map[string]any)
	if blocks, _ := c["default_tags"].([]any); len(blocks) > 0 {
		block, _ := blocks[0].(map[string]any)
		tags, _ := block["tags"].(map[string]any)
		p.defaultTags = map[string]string{}
		for k, v := range tags {
			p.defaultTags[k], _ = v.(string)
		}
	}
	return &tfprotov6.ConfigureProviderResponse{}, nil
}

func (p *provider) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

// Terraform itself checks configurations against the schema (required and unknown arguments,
// types, block counts, write-only use); the provider-side validators of the real provider are
// not reproduced.
func (p *provider) ValidateResourceConfig(_ context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	_, diags := p.resource(req.TypeName)
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: diags}, nil
}

func (p *provider) ValidateDataResourceConfig(_ context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	if _, ok := p.schemas.dataSources[req.TypeName]; !ok {
		return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: errorDiag("The stand-in aws provider does not serve data source %s", req.TypeName)}, nil
	}
	return &tfprotov6.ValidateDataResourceConfigResponse{}, nil
}

func (p *provider) UpgradeResourceState(_ context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	s, diags := p.resource(req.TypeName)
	if diags != nil {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: diags}, nil
	}
	v, err := req.RawState.UnmarshalWithOpts(s.ValueType(), tfprotov6.UnmarshalOpts{ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true}})
	if err != nil {
		return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: errorDiag("state of %s: %s", req.TypeName, err)}, nil
	}
	dv, err := tfprotov6.NewDynamicValue(s.ValueType(), v)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &dv}, nil
}

func (p *provider) UpgradeResourceIdentity(context.Context, *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return &tfprotov6.UpgradeResourceIdentityResponse{Diagnostics: errorDiag("The stand-in aws provider has no resource identities")}, nil
}

func (p *provider) ReadResource(_ context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{NewState: req.CurrentState, Private: req.Private}, nil
}

// PlanResourceChange plans the proposed new state, with every computed attribute that has no
// value yet unknown ("known after apply"), as the real provider does.
func (p *provider) PlanResourceChange(_ context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	s, diags := p.resource(req.TypeName)
	if diags != nil {
		return &tfprotov6.PlanResourceChangeResponse{Diagnostics: diags}, nil
	}
	typ := s.ValueType()
	proposed, err := req.ProposedNewState.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	if proposed.IsNull() { // destroy
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, nil
	}
	planned, err := tftypes.Transform(proposed, func(path *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		a := attributeAt(s.Block, path)
		switch {
		case a == nil:
			return v, nil
		case a.WriteOnly:
			return tftypes.NewValue(v.Type(), nil), nil
		case a.Computed && v.IsNull() && len(path.Steps()) == 1 && a.Name == "region":
			// As the real provider's CustomizeDiff does: an unset region is the provider's, known at plan.
			return tftypes.NewValue(tftypes.String, p.region), nil
		case a.Computed && v.IsNull() && len(path.Steps()) == 1 && a.Name == "tags_all":
			return p.tagsAll(proposed, v.Type()), nil
		case a.Computed && v.IsNull():
			return tftypes.NewValue(v.Type(), tftypes.UnknownValue), nil
		}
		return v, nil
	})
	if err != nil {
		return nil, err
	}
	dv, err := tfprotov6.NewDynamicValue(typ, planned)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: &dv, PlannedPrivate: req.PriorPrivate}, nil
}

// tagsAll is what the real provider plans for tags_all: the object's tags over default_tags.
func (p *provider) tagsAll(obj tftypes.Value, typ tftypes.Type) tftypes.Value {
	var attrs map[string]tftypes.Value
	_ = obj.As(&attrs)
	if t, ok := attrs["tags"]; ok && !t.IsFullyKnown() {
		return tftypes.NewValue(typ, tftypes.UnknownValue)
	}
	merged := map[string]tftypes.Value{}
	for k, v := range p.defaultTags {
		merged[k] = tftypes.NewValue(tftypes.String, v)
	}
	var tags map[string]any
	if t, ok := attrs["tags"]; ok {
		tags, _ = native(t).(map[string]any)
	}
	for k, v := range tags {
		s, _ := v.(string)
		merged[k] = tftypes.NewValue(tftypes.String, s)
	}
	return tftypes.NewValue(typ, merged)
}

// ApplyResourceChange "creates" the planned object: unknown values become plausible placeholders.
func (p *provider) ApplyResourceChange(_ context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	s, diags := p.resource(req.TypeName)
	if diags != nil {
		return &tfprotov6.ApplyResourceChangeResponse{Diagnostics: diags}, nil
	}
	typ := s.ValueType()
	planned, err := req.PlannedState.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	if planned.IsNull() { // destroy
		return &tfprotov6.ApplyResourceChangeResponse{NewState: req.PlannedState}, nil
	}
	newState, err := fillUnknowns(planned, p.placeholders(req.TypeName, planned))
	if err != nil {
		return nil, err
	}
	dv, err := tfprotov6.NewDynamicValue(typ, newState)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ApplyResourceChangeResponse{NewState: &dv, Private: req.PlannedPrivate}, nil
}

func (p *provider) ImportResourceState(_ context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return &tfprotov6.ImportResourceStateResponse{Diagnostics: errorDiag("The stand-in aws provider cannot import %s: it has no AWS to read from", req.TypeName)}, nil
}

// MoveResourceState moves state between identical types only (a `moved` block renaming an address).
func (p *provider) MoveResourceState(_ context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	s, diags := p.resource(req.TargetTypeName)
	if diags != nil {
		return &tfprotov6.MoveResourceStateResponse{Diagnostics: diags}, nil
	}
	if req.SourceTypeName != req.TargetTypeName {
		return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiag("The stand-in aws provider cannot move %s to %s", req.SourceTypeName, req.TargetTypeName)}, nil
	}
	v, err := req.SourceState.Unmarshal(s.ValueType())
	if err != nil {
		return &tfprotov6.MoveResourceStateResponse{Diagnostics: errorDiag("state of %s: %s", req.SourceTypeName, err)}, nil
	}
	dv, err := tfprotov6.NewDynamicValue(s.ValueType(), v)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.MoveResourceStateResponse{TargetState: &dv, TargetPrivate: req.SourcePrivate}, nil
}

func (p *provider) GenerateResourceConfig(_ context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return &tfprotov6.GenerateResourceConfigResponse{Diagnostics: errorDiag("The stand-in aws provider cannot generate configuration for %s", req.TypeName)}, nil
}

// ReadDataSource answers every computed attribute with a placeholder, and the few data sources
// modules build on (identity, partition, region, policy documents) with values derived for real.
func (p *provider) ReadDataSource(_ context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	s, ok := p.schemas.dataSources[req.TypeName]
	if !ok {
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: errorDiag("The stand-in aws provider does not serve data source %s", req.TypeName)}, nil
	}
	typ := s.ValueType()
	cfg, err := req.Config.Unmarshal(typ)
	if err != nil {
		return nil, err
	}
	ph := p.placeholders(req.TypeName, cfg)
	known, err := dataSourceValues(req.TypeName, cfg, ph.region)
	if err != nil {
		return &tfprotov6.ReadDataSourceResponse{Diagnostics: errorDiag("%s: %s", req.TypeName, err)}, nil
	}
	state, err := tftypes.Transform(cfg, func(path *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		a := attributeAt(s.Block, path)
		if a == nil || !a.Computed || !v.IsNull() {
			return v, nil
		}
		if len(path.Steps()) == 1 {
			if s, ok := known[string(path.Steps()[0].(tftypes.AttributeName))]; ok {
				return tftypes.NewValue(tftypes.String, s), nil
			}
		}
		return ph.value(path, v.Type()), nil
	})
	if err != nil {
		return nil, err
	}
	dv, err := tfprotov6.NewDynamicValue(typ, state)
	if err != nil {
		return nil, err
	}
	return &tfprotov6.ReadDataSourceResponse{State: &dv}, nil
}

func (p *provider) GetFunctions(context.Context, *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return &tfprotov6.GetFunctionsResponse{}, nil
}

func (p *provider) CallFunction(_ context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return &tfprotov6.CallFunctionResponse{Error: &tfprotov6.FunctionError{Text: "The stand-in aws provider has no function " + req.Name}}, nil
}

func (p *provider) ValidateEphemeralResourceConfig(_ context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return &tfprotov6.ValidateEphemeralResourceConfigResponse{Diagnostics: errorDiag("The stand-in aws provider serves no ephemeral resource %s", req.TypeName)}, nil
}

func (p *provider) OpenEphemeralResource(_ context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return &tfprotov6.OpenEphemeralResourceResponse{Diagnostics: errorDiag("The stand-in aws provider serves no ephemeral resource %s", req.TypeName)}, nil
}

func (p *provider) RenewEphemeralResource(context.Context, *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return &tfprotov6.RenewEphemeralResourceResponse{}, nil
}

func (p *provider) CloseEphemeralResource(context.Context, *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return &tfprotov6.CloseEphemeralResourceResponse{}, nil
}
