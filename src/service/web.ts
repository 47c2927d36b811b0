import { fileURLToPath } from 'node:url';

/** The `web/` folder: the link page and the sandbox viewer. */
export function webDir(): string {
  return fileURLToPath(new URL('../../web/', import.meta.url));
}

export function webFile(name: string): string {
  return fileURLToPath(new URL(`../../web/${name}`, import.meta.url));
}
