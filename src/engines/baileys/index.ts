export { BaileysEngine, defaultPace, type BaileysEngineOptions } from './engine.js';
export { MemoryArchive, storedArchive, type MessageArchive } from './archive.js';
export { baileysLogger, silentLogger } from './logger.js';
export { trustRootKey } from './trusted-root.js';
