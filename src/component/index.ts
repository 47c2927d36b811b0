export { execute, type ExecuteOptions, type Outcome } from './executor.js';
export { inProcessGateway, type ActionGateway } from './gateway.js';
export {
  createClient,
  httpGateway,
  type ActionCallOptions,
  type ActionMethods,
  type ClientActionInputs,
  type ClientOptions,
  type ConnectorClient,
  type HttpGatewayOptions,
  type MessageStatusView,
} from './client.js';
export { evaluateProperties, actionFields } from './evaluate-properties.js';
export {
  componentPropertiesSchema,
  parseComponentProperties,
  defaultTimeoutMs,
  type ComponentProperties,
  type ComponentPropertiesInput,
} from './properties.js';
export {
  formDescriptor,
  inLanguage,
  type ActionDescriptor,
  type BoundaryEventDescriptor,
  type FieldDescriptor,
  type FieldName,
  type FormDescriptor,
  type InLanguage,
  type Language,
  type Localized,
} from './descriptor.js';
