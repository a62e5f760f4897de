export * from "../../scripts/fakes/ecr-deployer.js";
