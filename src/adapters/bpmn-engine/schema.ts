/**
 * The BPMN extension that declares a WhatsApp task, as a moddle package for bpmn-engine:
 *
 * ```xml
 * <bpmn:serviceTask id="remind">
 *   <bpmn:extensionElements>
 *     <wa:task connection="clinic" action="sendMessage" resultVariable="reminder">
 *       <wa:chat>allValues.clientPhone</wa:chat>
 *       <wa:text>Добрый день, ${allValues.clientName}!</wa:text>
 *     </wa:task>
 *   </bpmn:extensionElements>
 * </bpmn:serviceTask>
 * ```
 */
export const whatsAppNamespace = 'urn:whatsapp-connector:bpmn:1';

/** Attributes of `<wa:task>`: literal values. */
export const taskAttributes = ['connection', 'action', 'resultVariable', 'timeoutMs', 'idempotencyKey'] as const;

/** Child elements of `<wa:task>`: their text is the property, read by the component's rules. */
export const taskFields = ['chat', 'text', 'attachments', 'attachmentFormat', 'location', 'contact', 'message', 'emoji', 'forEveryone'] as const;

export type TaskAttribute = (typeof taskAttributes)[number];
export type TaskField = (typeof taskFields)[number];

/** Pass as `moddleOptions: { wa: whatsAppModdle }`. */
export const whatsAppModdle = {
  name: 'WhatsApp Connector',
  prefix: 'wa',
  uri: whatsAppNamespace,
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'Task',
      superClass: ['Element'],
      properties: [
        ...taskAttributes.map((name) => ({ name, isAttr: true, type: 'String' })),
        ...taskFields.map((name) => ({ name, type: fieldType(name) })),
      ],
    },
    ...taskFields.map((name) => ({ name: fieldType(name), properties: [{ name: 'value', isBody: true, type: 'String' }] })),
    {
      // A task that waits for the client's next message: <wa:awaitReply connection="…" chat="allValues.clientPhone" resultVariable="reply"/>.
      name: 'AwaitReply',
      superClass: ['Element'],
      properties: ['connection', 'chat', 'resultVariable'].map((name) => ({ name, isAttr: true, type: 'String' })),
    },
    {
      // A multi-instance task runs once per item of a collection: `wa:collection="${environment.variables.appointments}"`.
      // A multi-instance WhatsApp task can hand every run's result on, in order: `wa:outputCollection="reminders"`.
      name: 'LoopCollection',
      extends: ['bpmn:MultiInstanceLoopCharacteristics'],
      properties: [
        { name: 'collection', isAttr: true, type: 'String' },
        { name: 'elementVariable', isAttr: true, type: 'String' },
        { name: 'outputCollection', isAttr: true, type: 'String' },
      ],
    },
  ],
};

function fieldType(name: TaskField): string {
  return `Field${name[0]?.toUpperCase()}${name.slice(1)}`;
}
