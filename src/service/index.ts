export { startService, type RunningService, type StartOptions } from './server.js';
export { readConfig, defaultConfig, type ServiceConfig } from './config.js';
export { buildApp, type AppDependencies } from './app.js';
