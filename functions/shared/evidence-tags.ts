import type { ProjectAssignment } from '../../core/access/registers.ts';
import { EVIDENCE_TAG, evidenceProjectOf, UNASSIGNED_BODY } from './resources.ts';
import type { TagsFor } from './aws/s3-stores.ts';

/**
 * The tags of an object written by the pipeline: an evidence object (results, reports, partials,
 * monitoring reports) carries the verification body assigned to its project, read from the access
 * register at write time (`unassigned` before any assignment); any other key carries none.
 */
export function evidenceTagsFor(access: { getAssignment(projectId: string): Promise<ProjectAssignment | undefined> }): TagsFor {
  return async (key) => {
    const projectId = evidenceProjectOf(key);
    if (!projectId) return undefined;
    const assignment = await access.getAssignment(projectId);
    return { [EVIDENCE_TAG]: assignment?.verificationBody ?? UNASSIGNED_BODY };
  };
}
