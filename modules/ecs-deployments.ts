import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { Fn, Op, TerraformLocal, type TerraformVariable, Token } from "cdktf";
import type { Construct } from "constructs";
import { NAME_SUFFIX as TRACKER_SUFFIX } from "../functions/deployment-tracker/contract.js";
import { NAME_SUFFIX as DEPLOYER_SUFFIX } from "../functions/ecr-deployer/contract.js";
import { DeploymentTracker } from "./deployment-tracker.js";
import { EcrDeployer } from "./ecr-deployer.js";
import type { LambdaCode } from "./event-driven-function.js";
import { EventForwardingRole } from "./event-forwarding-role.js";
import { MODULE_OUTPUTS, type ModuleOutputMember } from "./outputs.js";
import {
  addressOf,
  declareOutput,
  declareVariable,
  isEmpty,
  listExpr,
  ModuleStack,
  not,
} from "./terraform.js";
import { MODULE_VARIABLES, type ModuleVariableProp } from "./variables.js";

/** Deployment packages of the module's functions. */
export interface ModuleCode {
  readonly deploymentTracker: LambdaCode;
  readonly ecrDeployer: LambdaCode;
}

/**
 * The publishable root module: every user choice is a Terraform variable evaluated at
 * plan time, because this module is synthesised once and used by many.
 */
export class EcsDeploymentsModule extends ModuleStack {
  constructor(scope: Construct, id: string, code: ModuleCode) {
    super(scope, id);

    const vars = Object.fromEntries(
      Object.entries(MODULE_VARIABLES).map(([prop, spec]) => [prop, declareVariable(this, spec)]),
    ) as Record<ModuleVariableProp, TerraformVariable>;
    const {
      namePrefix,
      regions,
      kmsKeyArn,
      logRetentionInDays: logRetention,
      logLevel,
      createAlarms,
      alarmActions,
      tags,
      createTracker,
      trackerEndpointUrl: endpointUrl,
      trackerApiKeyHeader: apiKeyHeader,
      trackerTrackFailedDeployments: trackFailed,
      createApiKeySecret: createSecret,
      apiKeySecretArn: secretArn,
      apiKey,
      apiKeyVersion,
      trackerEcrAccountIds: ecrAccountIds,
      createDeployer,
      deployerAllowedClusters: allowedClusters,
      deployerOptInTagKey: optInTagKey,
      deployerDefaultTagPattern: defaultTagPattern,
      deployerImagePin: imagePin,
      deployerDryRun: dryRun,
      deployerPassableRoleArns: passableRoles,
      deployerReservedConcurrency: reservedConcurrency,
    } = vars;

    // ---- Where we are
    const partition = new DataAwsPartition(this, "current_partition", {});
    const account = new DataAwsCallerIdentity(this, "current_account", {});
    const region = new DataAwsRegion(this, "current_region", {});
    const home = region.region;
    const allRegions = new TerraformLocal(
      this,
      "all_regions",
      Fn.distinct(Fn.concat([[home], regions.listValue])),
    );
    const forwardRegions = new TerraformLocal(
      this,
      "forward_regions",
      listExpr(`[for r in distinct(var.regions) : r if r != ${addressOf(region)}.region]`),
    );
    const homeBus = `arn:${partition.partition}:events:${home}:${account.accountId}:event-bus/default`;
    const forwarding = new EventForwardingRole(this, "event_forwarding", {
      enabled: Op.and(
        Op.or(createTracker.booleanValue, createDeployer.booleanValue),
        not(isEmpty(forwardRegions.asList)),
      ),
      roleName: `${namePrefix.stringValue}-event-forwarding`,
      homeEventBusArn: homeBus,
      tags: Token.asStringMap(tags.value),
    });
    const forwardingProps = {
      regions: forwardRegions.asList,
      homeEventBusArn: homeBus,
      roleArn: forwarding.roleArn,
    };

    // What both functions take alike.
    const shared = {
      regions: allRegions.asList,
      accountId: account.accountId,
      partition: partition.partition,
      kmsKeyArn: kmsKeyArn.stringValue,
      logLevel: logLevel.stringValue,
      logRetentionInDays: logRetention.numberValue,
      forwarding: forwardingProps,
      alarms: createAlarms.booleanValue,
      alarmActions: alarmActions.listValue,
      tags: Token.asStringMap(tags.value),
    };

    const tracker = new DeploymentTracker(this, "tracker", {
      enabled: createTracker.booleanValue,
      functionName: `${namePrefix.stringValue}-${TRACKER_SUFFIX}`,
      code: code.deploymentTracker,
      endpointUrl: endpointUrl.stringValue,
      apiKeyHeader: apiKeyHeader.stringValue,
      createApiKeySecret: createSecret.booleanValue,
      apiKeySecretArn: secretArn.stringValue,
      apiKey: apiKey.stringValue,
      apiKeyVersion: apiKeyVersion.numberValue,
      trackFailedDeployments: trackFailed.booleanValue,
      ecrAccountIds: Fn.distinct(Fn.concat([[account.accountId], ecrAccountIds.listValue])),
      ...shared,
    });

    const deployer = new EcrDeployer(this, "deployer", {
      enabled: createDeployer.booleanValue,
      functionName: `${namePrefix.stringValue}-${DEPLOYER_SUFFIX}`,
      code: code.ecrDeployer,
      allowedClusters: allowedClusters.listValue,
      optInTagKey: optInTagKey.stringValue,
      defaultTagPattern: defaultTagPattern.stringValue,
      imagePin: imagePin.stringValue,
      dryRun: dryRun.booleanValue,
      passableRoleArns: passableRoles.listValue,
      reservedConcurrentExecutions: Token.asNumber(
        Fn.conditional(
          Op.eq(reservedConcurrency.numberValue, Token.nullValue()),
          -1,
          reservedConcurrency.numberValue,
        ),
      ),
      ...shared,
    });

    // ---- Outputs
    const values: Record<ModuleOutputMember, string> = {
      trackerFunctionArn: tracker.function.functionArn,
      trackerFunctionName: tracker.function.functionName,
      trackerRoleArn: tracker.function.roleArn,
      trackerDlqUrl: tracker.function.dlqUrl,
      trackerRuleArn: tracker.function.ruleArn,
      trackerLogGroupName: tracker.function.logGroupName,
      deployerFunctionArn: deployer.function.functionArn,
      deployerFunctionName: deployer.function.functionName,
      deployerRoleArn: deployer.function.roleArn,
      deployerDlqUrl: deployer.function.dlqUrl,
      deployerRuleArn: deployer.function.ruleArn,
      deployerLogGroupName: deployer.function.logGroupName,
      eventForwardingRoleArn: forwarding.roleArn,
      apiKeySecretArn: tracker.apiKeySecretArn,
    };
    for (const [member, spec] of Object.entries(MODULE_OUTPUTS)) {
      declareOutput(this, spec, values[member as ModuleOutputMember]);
    }
  }
}
