import { checkRegistration } from '../calculation/resolve.ts';
import { MrvError } from '../errors.ts';
import type { MethodologyRegistry } from '../methodology/registry.ts';
import { PROJECT_ID, ProjectSchema, type Project } from '../project/project.ts';
import { showValue, type Diagnostic } from '../validation/diagnostic.ts';

/** What an upload is checked against before its content is read. */
export interface UploadPreCheckInput {
  /** The object key (decoded), for messages. */
  readonly key: string;
  /** The project folder of the key: `uploads/<projectId>/…`. */
  readonly projectId: string;
  readonly fileName: string;
  /** The project's current registration as stored (unparsed), or undefined when it is not registered. Not looked up for a folder that is not a project id. */
  readonly registration: unknown;
  /** The methodology the upload declares (object metadata), when it declares one. */
  readonly declaredMethodology?: string | undefined;
  readonly registry: MethodologyRegistry;
}

export type UploadPreCheck =
  /** The upload may be calculated: its project, and whether its methodology is a CCS one (reserve deduction). */
  | { readonly kind: 'pass'; readonly project: Project; readonly ccs: boolean }
  /**
   * Rejected before calculation, with the one diagnostic that says why. `registered`: the project is
   * registered, so the rejection is also a submission of that project and an event of its audit trail.
   */
  | { readonly kind: 'reject'; readonly diagnostic: Diagnostic; readonly registered: boolean };

/** A pre-check rejection: one error naming the file, from the project checks. */
export const preCheckDiagnostic = (
  code: 'project.invalid' | 'project.methodology_mismatch',
  message: string,
  file: string,
  extra: Partial<Diagnostic> = {},
): Diagnostic => ({ severity: 'error', code, message, source: 'core/project', location: { file }, ...extra });

/** Whether a folder name can be a project id (one that cannot is never looked up). */
export const isProjectId = (folder: string): boolean => PROJECT_ID.test(folder);

/**
 * The pre-checks of an upload, in order: the folder is a project id, the project is registered, its
 * registration parses, the methodology the upload declares is the registered one, and the methodology
 * accepts the registration (version, parameters, mechanism, declared scale). Pure: the caller looks the
 * registration up and reads the object's metadata. A check that fails rejects the upload with a
 * diagnostic for the site; nothing is calculated.
 */
export function preCheckUpload(input: UploadPreCheckInput): UploadPreCheck {
  const { key, projectId, fileName, registration } = input;
  const reject = (diagnostic: Diagnostic, registered: boolean): UploadPreCheck => ({ kind: 'reject', diagnostic, registered });
  if (!isProjectId(projectId))
    return reject(
      preCheckDiagnostic(
        'project.invalid',
        `The folder ${showValue(projectId)} in ${showValue(key)} is not a project id (lowercase letters, digits and hyphens, 2–63 characters); upload to uploads/<project-id>/<file>.`,
        fileName,
      ),
      false,
    );
  if (registration === undefined)
    return reject(
      preCheckDiagnostic(
        'project.invalid',
        `Project ${JSON.stringify(projectId)} is not registered; register it (mrv project register) before uploading, or check the folder name in ${key}.`,
        fileName,
      ),
      false,
    );
  const parsed = ProjectSchema.safeParse(registration);
  if (!parsed.success)
    return reject(
      preCheckDiagnostic(
        'project.invalid',
        `The registration of project ${projectId} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
        fileName,
      ),
      false,
    );
  const project = parsed.data;
  const declared = input.declaredMethodology;
  if (declared !== undefined && declared !== project.methodology)
    return reject(
      preCheckDiagnostic(
        'project.methodology_mismatch',
        `The upload declares methodology ${JSON.stringify(declared)}, but project ${projectId} is registered under ${project.methodology}; upload with the registered version.`,
        fileName,
        { actual: showValue(declared), expected: project.methodology },
      ),
      true,
    );
  try {
    // A registration the methodology refuses (unknown version, parameters, mechanism, scale) is reported to the site.
    const ccs = checkRegistration(project, input.registry).methodology.tags?.includes('ccs') ?? false;
    return { kind: 'pass', project, ccs };
  } catch (error) {
    if (error instanceof MrvError) return reject(preCheckDiagnostic('project.invalid', error.message.replace(/\n\s*/g, ' '), fileName), true);
    throw error;
  }
}
