import { startLocalStack } from './stack.js';

/** `npm start`: careflow on loopback, with no AWS account and no Docker. */
const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${name} must be a port number, got ${process.env[name]}`);
    process.exit(2);
  }
  return value;
};

const stack = await startLocalStack({
  port: port('CAREFLOW_PORT', 3000),
  sesPort: port('CAREFLOW_SES_PORT', 8005),
  dynamoPort: port('CAREFLOW_DYNAMODB_PORT', 8000),
  dataDir: process.env.CAREFLOW_DATA_DIR ?? '.local/data',
}).catch((error: unknown) => {
  console.error(`careflow could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

console.log(`careflow is running on loopback.

  API and event bus   ${stack.baseUrl}      (GET /health, POST /events, AWS SDK endpoint for EventBridge)
  Sent email          ${stack.sesUrl}      (mailbox page; GET /store as JSON)
  SES events          ${stack.baseUrl}/_local/ses/events   (POST {"messageId":"…","type":"Bounce"}: delivery, bounce, complaint, open, click)
  Sent SMS            ${stack.baseUrl}/_local/sms   (SNS Publish lands here; POST /_local/sms/opt-out {"phoneNumber":"+49…"})
  DynamoDB Local      ${stack.dynamoEndpoint}
  Local clock         ${stack.baseUrl}/_local/clock   (POST /_local/clock/advance {"by":"24h"})
  Dead letters        ${stack.baseUrl}/_local/dead-letters
  Admin API token     ${process.env.CAREFLOW_ADMIN_TOKEN}   (send "Authorization: Bearer <token>"; set CAREFLOW_ADMIN_TOKEN to choose it)

Try it:  npm run demo   (a purchase, 24 hours later a survey, an answer, a reply)
Stop with Ctrl+C. Data is kept in ${process.env.CAREFLOW_DATA_DIR ?? '.local/data'}.`);

const shutdown = () => {
  stack.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
