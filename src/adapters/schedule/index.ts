export { ScenarioScheduler, type Schedule, type SchedulerOptions, type TickLedger } from './scheduler.js';
export { ClusterScheduler, type ClusterSchedulerOptions } from './cluster-scheduler.js';
