import type { CliTexts } from '../i18n/cli.js';
import { readConfig } from '../service/config.js';
import { startService } from '../service/server.js';

/** After the shutdown grace, how long closing may still take before the process exits regardless. */
const lastResortMs = 5_000;

/** `serve`: the service with the environment's configuration, until SIGTERM or SIGINT. */
export async function serve(texts: CliTexts): Promise<void> {
  const config = readConfig(process.env);
  const service = await startService({ config });
  if (service.adminKeyGenerated) process.stderr.write(texts.adminKeyGenerated(service.adminKey as string));
  if (service.engine.kind === 'sandbox') process.stderr.write(texts.sandboxMode(service.url));
  else process.stderr.write(texts.linkedDevices(service.config.waUrl));
  process.stderr.write(texts.listening(service.url));
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
