// The storage stage: the only place in cookiewatch that writes SQL.
export { openDatabase, SCHEMA_VERSION, type Database } from './db.js';
export { createRun, finishRun, saveSiteScan } from './write.js';
export { saveClassification, allSiteScanIds } from './classification.js';
export {
  getRun,
  latestRun,
  siteScansOfRun,
  getSiteScan,
  phasesOfSiteScan,
  phaseSummary,
  pagesOfPhase,
  eventsOfPhase,
  requestsOfPhase,
  cookiesOfPhase,
  cookieEventsOfPhase,
  storageOfPhase,
  consentClicksOfPhase,
  screenshotsOfPhase,
  loadSiteScanResult,
  statementsOfSiteScan,
  type RunStatus,
  type SiteScanStatus,
  type RunRow,
  type SiteScanRow,
  type PhaseRow,
  type PhaseSummary,
  type PageRow,
  type RequestRow,
  type CookieRow,
  type CookieEventRow,
  type StorageRow,
} from './read.js';
export {
  planRunSites,
  remainingSitesOfRun,
  plannedCountOfRun,
  latestUnfinishedRun,
  claimRun,
  ResumeError,
  outcomesOfRun,
  runsWithSiteScans,
  latestRunWithSiteScans,
  plannedUrlsOfRun,
  type RunWithScans,
  type SiteOutcome,
} from './runs.js';
export { siteResultsOfRun, isReportedTracker, type SiteResult, type TrackerSeen } from './results.js';
export { findingEvidenceOfSiteScan, phaseOverviewOfSiteScan, screenshotsOfSiteScan, type FindingEvidence, type PhaseOverview } from './evidence.js';
