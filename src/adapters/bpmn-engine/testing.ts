import { ActionRunner } from '../../actions/runner.js';
import { inProcessGateway, type ActionGateway } from '../../component/index.js';
import { linkedSandbox, type LinkedSandbox } from '../../engines/sandbox/index.js';

/** Test helpers of the bpmn-engine adapter: a linked sandbox, a gateway that records calls, BPMN snippets. */

export const anna = '+79001111111';
export const boris = '+79002222222';
export const vera = '+79003333333';
export const noWhatsApp = '+79009999999';

export const seedText =
  'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!';

export const appointment = { id: 7, clientName: 'Анна', clientPhone: '+7 (900) 111-11-11', appointmentDate: '25.11.2026', appointmentTime: '10:30', specialistName: 'Иванова Мария Петровна' };

export const appointments = [
  { ...appointment, id: 1, clientPhone: anna },
  { ...appointment, id: 2, clientPhone: boris, clientName: 'Борис' },
  { ...appointment, id: 3, clientPhone: vera, clientName: 'Вера' },
];

export interface PerformCall {
  action: string;
  key: string;
  signal: AbortSignal;
}

export interface World {
  sandbox: LinkedSandbox;
  gateway: ActionGateway;
  /** Every action the process asked for, in order, with its idempotency key and signal. */
  calls: PerformCall[];
  /** Resolves once the sandbox engine has started `count` sends (each then waits `sendDelayMs` on the clock). */
  sendsStarted(count: number): Promise<void>;
  /** What a phone sees in its chat with the clinic. */
  seenBy(phone: string): ReturnType<LinkedSandbox['network']['conversation']>;
}

/** A sandbox with the clinic's session linked, Анна, Борис and Вера on WhatsApp, and one number that is not. */
export async function world(): Promise<World> {
  const sandbox = await linkedSandbox({ phones: { [anna]: { name: 'Анна' }, [boris]: {}, [vera]: {}, [noWhatsApp]: { onWhatsApp: false } } });
  const inner = inProcessGateway(new ActionRunner({ engine: sandbox.engine, clock: sandbox.clock }));
  const calls: PerformCall[] = [];
  const gateway: ActionGateway = {
    perform: (connection, action, input, options) => {
      calls.push({ action, key: options.idempotencyKey, signal: options.signal });
      return inner.perform(connection, action, input, options);
    },
  };

  let started = 0;
  const waiting = new Set<() => void>();
  const send = sandbox.engine.send.bind(sandbox.engine);
  sandbox.engine.send = (...args) => {
    started++;
    for (const check of [...waiting]) check();
    return send(...args);
  };
  const sendsStarted = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (started < count) return;
        waiting.delete(check);
        resolve();
      };
      waiting.add(check);
      check();
    });

  return { sandbox, gateway, calls, sendsStarted, seenBy: (phone) => sandbox.network.conversation(phone, sandbox.bot.jid) };
}

/** BPMN definitions in our namespace, with the errors the tests' boundary events refer to. */
export function definitions(process: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:wa="urn:whatsapp-connector:bpmn:1"
             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="reminders">
  <error id="invalidChat" errorCode="INVALID_CHAT" />
  <error id="timedOut" errorCode="TIMEOUT" />
  <process id="reminder" isExecutable="true">
${process}
  </process>
</definitions>`;
}

/** start → `remind` (a WhatsApp task, plus `body` inside it, e.g. loop characteristics) → end, with extra elements. */
export function reminderProcess(task: string, extra = '', body = ''): string {
  return definitions(`
    <startEvent id="start" />
    <sequenceFlow id="toRemind" sourceRef="start" targetRef="remind" />
    <serviceTask id="remind" name="Remind the client">${body}
      <extensionElements>${task}</extensionElements>
    </serviceTask>
    <sequenceFlow id="toEnd" sourceRef="remind" targetRef="end" />
    <endEvent id="end" />
    ${extra}`);
}

/** The seed's reminder as a `<wa:task>`. */
export function sendReminder({ chat = 'allValues.clientPhone', attributes = '' } = {}): string {
  return `<wa:task connection="session-1" action="sendMessage" resultVariable="reminder" ${attributes}>
        <wa:chat>${chat}</wa:chat>
        <wa:text>${seedText}</wa:text>
      </wa:task>`;
}

/** A boundary event on `remind` whose path runs the service `reached` in task `target`, so a test sees which exits were taken. */
export function boundary(id: string, definition: string, target: string): string {
  return `
    <boundaryEvent id="${id}" attachedToRef="remind">${definition}</boundaryEvent>
    <sequenceFlow id="${id}Flow" sourceRef="${id}" targetRef="${target}" />
    <serviceTask id="${target}" implementation="\${environment.services.reached}" />`;
}

export const catchAll = '<errorEventDefinition />';
export const onError = (errorRef: string) => `<errorEventDefinition errorRef="${errorRef}" />`;
export const afterDuration = (iso: string) => `<timerEventDefinition><timeDuration xsi:type="tFormalExpression">${iso}</timeDuration></timerEventDefinition>`;

/** Services for `boundary`: `reached` records the id of each task it runs in. */
export function exits() {
  const taken: string[] = [];
  const reached = (context: { content: { id: string } }, next: () => void) => {
    taken.push(context.content.id);
    next();
  };
  return { taken, services: { reached } };
}
