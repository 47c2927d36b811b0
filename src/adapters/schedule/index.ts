export { ScenarioScheduler, type Schedule, type SchedulerOptions, type TickLedger } from './scheduler.js';
