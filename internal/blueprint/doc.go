// Package blueprint registers and runs AWS Glue blueprints: ZIP archives
// holding a blueprint.cfg and a Python layout generator that, given
// parameters, describes a workflow of jobs, crawlers and triggers.
//
// A blueprint goes through four steps, each a separate function so that the
// Manager can store state between them (the format and Glue's behaviour are
// described in the project's blueprint research notes, blueprints.md):
//
//  1. Registration: Inspect checks an archive (size limits, hostile entries,
//     blueprint.cfg, layoutGenerator, parameterSpec) and returns its
//     Definition. The error message of a rejected archive says exactly what
//     is wrong; it becomes the blueprint's ErrorMessage. ParseDefinition
//     rebuilds a Definition from a stored layoutGenerator and ParameterSpec.
//  2. Run start: Definition.ResolveParameters checks a run's Parameters JSON
//     against the parameterSpec and returns typed values with defaults
//     filled; its errors are InvalidInputExceptions.
//  3. Generation: Extract unpacks the archive into a fresh directory and
//     Runner.Generate runs the layout generator there in a python3
//     subprocess, with Epoxy's clean-room awsglue.blueprint shim (embedded
//     here, see ShimFiles and InstallShim) on PYTHONPATH. The layout comes
//     back through a result file, never stdout, and becomes a Layout of Glue
//     entities. The process runs in its own process group, which is killed
//     when the time limit passes, when the context is cancelled, and once the
//     generator has ended, so no process outlives a generation.
//  4. Creation: Apply creates the workflow, jobs, crawlers and triggers
//     through a Creator and, when one creation fails, deletes in reverse
//     order exactly what it created.
//
// Manager is the blueprint operations of the API built on these steps: it
// records blueprints and runs in a store.Store and does registrations and
// runs in the background between its Start and Stop.
//
// # Archive rules
//
// An archive must be at most MaxArchiveSize bytes and unpack to at most
// MaxUnpackedSize bytes. The unpacked size counts the bytes actually
// decompressed, and reading stops as soon as the limit is passed, so a zip
// bomb is refused without being inflated. Entries whose names are absolute
// (leading "/", a drive letter, or any backslash), contain a ".." element,
// are symbolic links or other special files, are encrypted, are duplicates
// (after cleaning "./" and "//"), or would place a file inside another file
// are refused. Extraction goes through an os.Root, so nothing is written
// outside the extraction directory even if that directory already holds
// links.
//
// blueprint.cfg is looked for at the archive root first, then directly inside
// a top-level folder; exactly one top-level folder may hold one. The
// layoutGenerator module is resolved from the extraction root, not from that
// folder: "F.layout.generate_layout" names F/layout.py (or
// F/layout/__init__.py), because the runner puts the extraction root on
// sys.path. A root-level blueprint.cfg whose generator is "layout.fn" names
// layout.py.
//
// # Parameter rules
//
// parameterSpec is optional (absent means no parameters). Each parameter
// needs a type (String, Integer, Double, Boolean, S3Uri, S3Bucket,
// IAMRoleArn, IAMRoleName); collection defaults to false; a JSON null counts
// as absent for every key, so a spec re-serialised by Epoxy reads back the
// same. Keys other than the five documented ones are ignored, as the
// service's re-serialisation drops them. A parameter without defaultValue is
// mandatory. For a collection, defaultValue is a list of the type and
// allowedValues lists the element values each member of the list must be one
// of. A defaultValue must itself satisfy allowedValues.
//
// Values are coerced at run start: Integer accepts an integral JSON number or
// a string holding one (int64), Double a number or numeric string (float64,
// finite), Boolean a bool or "true"/"false" in any case, S3Uri a string
// starting with "s3://" and naming at least a bucket, and the other types any
// string. Unknown parameters are rejected: a misspelt optional parameter
// would otherwise silently fall back to its default.
//
// Definition.ParameterSpec is the spec re-serialised as Glue's
// GetBlueprint shows it: every parameter with the keys type, collection,
// description, defaultValue, allowedValues in that order, null where absent,
// collection false when absent, parameters in their order in blueprint.cfg,
// defaultValue and allowedValues as written (compacted).
//
// # Layout rules
//
// The runner's JSON is read with JSON null meaning "absent" everywhere.
// Number and boolean values of DefaultArguments, NonOverridableArguments,
// DefaultRunProperties and tags are turned into their JSON text (0.5, true,
// 128, 128.0); a list or object value there is refused, naming its key.
// Triggers get Glue's defaults (a predicate without Logical means AND); a
// trigger naming another workflow than the layout's is refused.
package blueprint
