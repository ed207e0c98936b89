#!/usr/bin/env node
// The careflow CDK app. Configure with context, e.g.
//   npx cdk synth -c careflow:stage=prod -c careflow:senderEmail=care@shop.example
import { App } from 'aws-cdk-lib';
import { buildCareflowApp } from '../stacks/app.js';

const app = new App();
buildCareflowApp(app);
app.synth();
