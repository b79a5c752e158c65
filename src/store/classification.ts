import type { Classification, Finding } from '../classify/types.js';
import type { Database } from './db.js';

function prepare(db: Database) {
  return {
    phases: db.prepare('SELECT name, id FROM phases WHERE site_scan_id = ?'),
    // Observations come back in insertion order, the order of the arrays evidence indexes point into.
    requestIds: db.prepare('SELECT id FROM requests WHERE phase_id = ? ORDER BY id').pluck(),
    cookieIds: db.prepare('SELECT id FROM cookies WHERE phase_id = ? ORDER BY id').pluck(),
    storageIds: db.prepare('SELECT id FROM storage WHERE phase_id = ? ORDER BY id').pluck(),
    deleteFindings: db.prepare('DELETE FROM findings WHERE site_scan_id = ?'),
    deleteVerdicts: db.prepare('DELETE FROM verdicts WHERE site_scan_id = ?'),
    deleteDisclosures: db.prepare('DELETE FROM disclosures WHERE site_scan_id = ?'),
    insertDisclosure: db.prepare(
      `INSERT INTO disclosures (site_scan_id, tracker_id, tracker_name, organisation, status, term, statement_url, snippet, rules_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertFinding: db.prepare(
      `INSERT INTO findings (site_scan_id, phase_id, seq, tracker_id, tracker_name, organisation, country, category,
         seriousness, source, rule, evidence_kind, request_row_id, cookie_row_id, storage_row_id, page_index, party,
         account_ids_json, details_json, rules_version)
       VALUES (@site_scan_id, @phase_id, @seq, @tracker_id, @tracker_name, @organisation, @country, @category,
         @seriousness, @source, @rule, @evidence_kind, @request_row_id, @cookie_row_id, @storage_row_id, @page_index,
         @party, @account_ids_json, @details_json, @rules_version)`,
    ),
    insertVerdict: db.prepare(
      `INSERT INTO verdicts (site_scan_id, verdict, explanation, trackers_json, finding_seqs_json, rules_version)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    setGrade: db.prepare('UPDATE site_scans SET grade = ?, rules_version = ? WHERE id = ?'),
    siteScanIds: db.prepare('SELECT id FROM site_scans ORDER BY id').pluck(),
  };
}

const cache = new WeakMap<Database, ReturnType<typeof prepare>>();
const statements = (db: Database) => {
  let s = cache.get(db);
  if (!s) cache.set(db, (s = prepare(db)));
  return s;
};

/**
 * Replaces the conclusions of one site scan, all or nothing. Evidence indexes become row ids of the
 * exact request, cookie or storage entry, so a reader can go from a verdict to what the browser saw.
 */
export function saveClassification(db: Database, siteScanId: number, c: Classification): void {
  const s = statements(db);
  db.transaction(() => {
    s.deleteFindings.run(siteScanId);
    s.deleteVerdicts.run(siteScanId);
    s.deleteDisclosures.run(siteScanId);
    const phaseIds = new Map((s.phases.all(siteScanId) as Array<{ name: string; id: number }>).map((p) => [p.name, p.id]));
    const rowIds = new Map<string, { requests: number[]; cookies: number[]; storage: number[] }>();
    const rowsOf = (phaseId: number) => {
      const key = String(phaseId);
      let r = rowIds.get(key);
      if (!r) {
        r = {
          requests: s.requestIds.all(phaseId) as number[],
          cookies: s.cookieIds.all(phaseId) as number[],
          storage: s.storageIds.all(phaseId) as number[],
        };
        rowIds.set(key, r);
      }
      return r;
    };
    c.findings.forEach((f: Finding, seq) => {
      const phaseId = phaseIds.get(f.phase);
      if (phaseId === undefined) throw new Error(`finding for phase ${f.phase}, which site scan ${siteScanId} does not have`);
      const rows = rowsOf(phaseId);
      const rowId = (list: number[]) => {
        const id = list[f.evidence.index];
        if (id === undefined) throw new Error(`finding ${seq} points at ${f.evidence.kind} ${f.evidence.index}, which does not exist`);
        return id;
      };
      s.insertFinding.run({
        site_scan_id: siteScanId,
        phase_id: phaseId,
        seq,
        tracker_id: f.trackerId,
        tracker_name: f.trackerName,
        organisation: f.organisation.name,
        country: f.organisation.country,
        category: f.category,
        seriousness: f.seriousness,
        source: f.source,
        rule: f.rule,
        evidence_kind: f.evidence.kind,
        request_row_id: f.evidence.kind === 'request' ? rowId(rows.requests) : null,
        cookie_row_id: f.evidence.kind === 'cookie' ? rowId(rows.cookies) : null,
        storage_row_id: f.evidence.kind === 'storage' ? rowId(rows.storage) : null,
        page_index: f.pageIndex,
        party: f.party,
        account_ids_json: JSON.stringify(f.accountIds),
        details_json: JSON.stringify(f.details),
        rules_version: c.rulesVersion,
      });
    });
    for (const v of c.verdicts) {
      s.insertVerdict.run(siteScanId, v.id, v.explanation, JSON.stringify(v.trackers), JSON.stringify(v.findings), c.rulesVersion);
    }
    for (const d of c.disclosures ?? []) {
      s.insertDisclosure.run(
        siteScanId, d.trackerId, d.trackerName, d.organisation, d.status,
        d.evidence?.term ?? null, d.evidence?.statementUrl ?? null, d.evidence?.snippet ?? null, c.rulesVersion,
      );
    }
    s.setGrade.run(c.grade, c.rulesVersion, siteScanId);
  })();
}

export function allSiteScanIds(db: Database): number[] {
  return statements(db).siteScanIds.all() as number[];
}
