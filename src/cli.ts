#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { formDescriptor, inLanguage, type Language } from './component/index.js';
import { isConnectorError } from './domain/errors.js';
import { readConfig } from './service/config.js';
import { startService } from './service/server.js';

const usage = `Usage: whatsapp-connector <command>

Commands:
  serve      Run the connector service (configuration from the environment; see README)
  describe   Print the WhatsApp task's form descriptor as JSON
             --lang en|ru   texts in one language (default: both)
`;

/** After the shutdown grace, how long closing may still take before the process exits regardless. */
const lastResortMs = 5_000;

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
  } else {
    const server = service.config.waUrl ? `the test server at ${service.config.waUrl}` : 'WhatsApp';
    process.stderr.write(`Linked devices through Baileys, connecting to ${server}. Create a session (POST /v1/sessions) and open its link page to link a phone.\n`);
  }
  process.stderr.write(`WhatsApp Connector on ${service.url} (API docs: ${service.url}/docs)\n`);
  const stop = (signal: string) => {
    service.app.log.info({ signal }, 'shutting down');
    // The HTTP side ends within the grace and half a second; this bounds the rest (the engine, the
    // store) should one of them hang, so an orchestrator never has to kill the process.
    setTimeout(() => {
      service.app.log.error({ signal }, 'shutdown did not finish; exiting anyway');
      process.exit(1);
    }, service.config.shutdownGraceMs + lastResortMs).unref();
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

function describe(args: string[]): void {
  let language: string | undefined;
  try {
    language = parseArgs({ args, options: { lang: { type: 'string' } } }).values.lang;
  } catch {
    language = '';
  }
  if (language !== undefined && !isLanguage(language)) {
    process.stderr.write(`whatsapp-connector describe: expected --lang en or --lang ru\n\n${usage}`);
    process.exitCode = 2;
    return;
  }
  const descriptor = language ? inLanguage(formDescriptor(), language) : formDescriptor();
  process.stdout.write(`${JSON.stringify(descriptor, null, 2)}\n`);
}

function isLanguage(value: string | undefined): value is Language {
  return value === 'en' || value === 'ru';
}

async function main(command: string | undefined): Promise<void> {
  switch (command) {
    case 'serve':
      return serve();
    case 'describe':
      return describe(process.argv.slice(3));
    default:
      process.stderr.write(usage);
      process.exitCode = command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  process.stderr.write(`whatsapp-connector: ${isConnectorError(error) ? `${error.code}: ${error.message}` : String(error)}\n`);
  process.exit(1);
});
