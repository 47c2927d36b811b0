export { whatsAppExtension, type WhatsAppExtensionOptions } from './extension.js';
export { runProcess, createEngine, type ProcessRun, type RunProcessOptions } from './run-process.js';
export { whatsAppModdle, whatsAppNamespace, taskAttributes, taskFields } from './schema.js';
export { findTaskDeclaration, toComponentProperties, type TaskDeclaration } from './task-declaration.js';
