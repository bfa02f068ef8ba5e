/// <reference path="./.sst/platform/config.d.ts" />

export default $config({
  app(input) {
    const production = input?.stage === "production";
    return {
      name: "coffer",
      home: "aws",
      // The CLI that deploys must be the version the code was checked against (sst-offline.md).
      version: "4.17.1",
      // COFFER_REGION moves a stage; the same rule lives in infra/lib/stage.ts (stageRegion).
      providers: { aws: { region: (process.env.COFFER_REGION || "eu-west-1") as aws.Region } },
      // Production keeps its keys and table even if the stage is removed; every other stage goes away.
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    const { keys } = await import("./infra/kms");
    const { table } = await import("./infra/storage");
    const { api } = await import("./infra/api");
    await import("./infra/maintenance");
    const { alarmTopic } = await import("./infra/alarms");
    const { web } = await import("./infra/web");
    return { api: api.url, web: web.url, table: table.name, seal: keys.seal.arn, alarms: alarmTopic.arn };
  },
});
