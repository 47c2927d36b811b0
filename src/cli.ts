#!/usr/bin/env node
import { formDescriptor } from './component/index.js';
import { isConnectorError } from './domain/errors.js';
import { readConfig } from './service/config.js';
import { startService } from './service/server.js';

const usage = `Usage: whatsapp-connector <command>

Commands:
  serve      Run the connector service (configuration from the environment; see README)
  describe   Print the WhatsApp task's form descriptor as JSON
`;

async function serve(): Promise<void> {
  const config = readConfig(process.env);
  const service = await startService({ config });
  if (service.adminKeyGenerated) {
    process.stderr.write(
      `\nAdmin key (generated now, shown once; only its hash is stored):\n\n  ${service.adminKey}\n\n` +
        'Set CONNECTOR_ADMIN_KEY to choose your own.\n\n',
    );
  }
  if (service.engine.kind === 'sandbox') {
    process.stderr.write(`Sandbox mode: a virtual WhatsApp network, no real messages. Chats: ${service.url}/sandbox\n`);
  }
  process.stderr.write(`WhatsApp Connector on ${service.url} (API docs: ${service.url}/docs)\n`);
  const stop = (signal: string) => {
    service.app.log.info({ signal }, 'shutting down');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        service.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'serve':
      return serve();
    case 'describe':
      process.stdout.write(`${JSON.stringify(formDescriptor(), null, 2)}\n`);
      return;
    default:
      process.stderr.write(usage);
      process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`whatsapp-connector: ${isConnectorError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
