export { execute, type ExecuteOptions, type Outcome } from './executor.js';
export { inProcessGateway, type ActionGateway } from './gateway.js';
export { httpGateway, type HttpGatewayOptions } from './client.js';
export { evaluateProperties, actionFields } from './evaluate-properties.js';
export {
  componentPropertiesSchema,
  parseComponentProperties,
  defaultTimeoutMs,
  type ComponentProperties,
  type ComponentPropertiesInput,
} from './properties.js';
export { formDescriptor } from './descriptor.js';
