import type { ClassifyOptions } from '../classify/index.js';
import { defaultTrackerRules } from '../classify/rules.js';
import { loadTrackerDb } from '../classify/trackerdb.js';

/** Our rules (an invalid rule file is a tool error naming file and path), and trackerdb unless turned off. */
export async function classifyOptions(useTrackerDb: boolean): Promise<ClassifyOptions> {
  const rules = defaultTrackerRules();
  const trackerDb = useTrackerDb ? await loadTrackerDb() : undefined;
  return trackerDb ? { rules, trackerDb } : { rules };
}
