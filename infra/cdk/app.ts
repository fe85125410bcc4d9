// The CDK app entry (cdk.json: `node infra/cdk/app.ts`). It must never import infra/local: the
// emulators are for the local stack only and must not end up in the cloud assembly.
import { buildApp } from './khulasa-app.ts';

buildApp().app.synth();
