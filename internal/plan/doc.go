// Package plan is the plan data model of qsync: what a reviewer approves and apply executes
// (Plan, Change, Step, Handover, Options, Flags), the errors a plan is refused with, and the plan
// JSON format documented below. It holds plain data and does no I/O. The packages that work on it:
// internal/plan/build compares the desired state with the live one and builds a Plan (build.Plan;
// its package documentation describes the algorithm), internal/plan/order cuts the decided
// changes into ordered calls and hand-overs, internal/plan/render renders plans for review (text,
// markdown, json) and writes the plan JSON format (render.Save), and internal/planfile reads and
// checks plan files.
//
// # JSON format (format_version 3)
//
// The json renderer and render.Save write the Plan struct; planfile.Read refuses any other format_version. Keys
// ({kind, title}) are spec.Key. Fields:
//
//	format_version  3
//	scope           "scoped to PATTERN, ... (--only): ..." when flags.targets is set ("scoped to
//	                secret changes (--secrets-only): ..." with flags.secrets_only), else absent
//	                (written from the flags; qsync ignores the stored value when reading a plan)
//	owner           owner whose marker the plan writes
//	changes[]       key{kind,title}, type, action (create|update|delete|replace|adopt|rename), id,
//	                previous_title, drift, reason, unchanged,
//	                fields[] {name, before, after, sensitive, added[], removed[], diff},
//	                attribution (change|drift|both; with base only, see Attribution),
//	                live_modified {at, by} (Qualys's LAST_MODIFIED of a drift or both change)
//	steps[]         id (1-based order), phase (1-5), kind, op (create|update|delete),
//	                keys[] {kind,title}, ids[], params{name: value as sent},
//	                secrets{name: {env|file}}, vault_ref, vault_refs{param: vault title},
//	                depends_on[]
//	handovers[]     every release paired with its take (see Handover): mode (move: the old
//	                holder stays | replacement: it is deleted), group (hand-overs of one group
//	                run one at a time), release and take (step IDs), from {kind,title},
//	                from_id, to {kind,title}, what[] (ips | slot | title), ips[] (merged
//	                ranges handed over), title, slots[] (the rules whose slot moves),
//	                give_back (IPs apply adds back to from when the take fails); absent when
//	                the plan has none
//	unmanaged[]     {kind,title} of live objects left alone
//	opaque[]        {key, id, reason} of the unmanaged live objects qsync cannot represent
//	                (an unknown unix sub_type, vault type or login vault type); also in unmanaged[]
//	refused[]       {key, id, action, reason}
//	notes[]         plan-wide remarks, among them "<key> (id N): <field>: not reported by Qualys;
//	                not compared" for each managed setting the live answer did not list
//	                (changes[].before.unknown[] names them)
//	config[]        configuration files (set by the CLI): absolute in a plan, and in a plan file
//	                relative to the file's directory for files inside it (see planfile.StorePaths)
//	config_digest   digest of the configuration files' contents, not their paths (set by the CLI)
//	flags           {adopt, allow_deletes, push_secrets, allow_replace, targets[],
//	                secrets_unchecked, secrets_only} the plan was made with; targets[] are the
//	                --only KIND/TITLE-GLOB patterns (path.Match); secrets_only (--secrets-only)
//	                records the objects it chose as exact targets[]
//	                (set by the CLI); apply PLANFILE refuses these flags (planfile.CheckFlags)
//	live_digests    key.String() -> ObjectDigest of each live object a step touches
//	calls           "kind op" -> number of API calls
//	rate_remaining  calls left per endpoint when planned (0: unknown)
//	base            "REF (commit)" the changes are attributed against (plan --base), else absent
//	policy          {digest, sources[], violations[] {rule, severity, message, key{kind,title},
//	                action, pos{file,line,col}}} of the policy checks (plan --policy), else
//	                absent; apply PLANFILE refuses another policy digest (planfile.CheckPolicy)
//
// # Format versions
//
// FormatVersion changes whenever a field is added, renamed or removed or its meaning changes:
// planfile reads plan files strictly (an unknown field is refused, so an edited or foreign file
// cannot smuggle anything in), so even an added field is a format an older qsync cannot read, and
// it should say "plan again with this version" rather than "unknown field". History:
//
//   - 1: the first format. Plans written before commit 3c57bd2 ("spec: schema errors are only
//     replaced ...") spelled every key {"Kind", "Title"} (spec.Key had no JSON tags); later ones
//     {"kind", "title"}, also as version 1 (it should have been bumped). opaque[], config[] and
//     flags were added within version 1.
//   - 2: objects' unknown[] (settings Qualys did not report), steps' vault_refs (vaults created in
//     the same run, per parameter), verify_reads, scope, flags.allow_replace,
//     flags.secrets_unchecked and flags.targets (--only path.Match patterns); config[] absolute, or
//     relative to a plan file's directory; config_digest over the files' contents only (version 1
//     hashed the paths too); a replacement's delete runs in phase 3, just before its create. A
//     version 1 plan file is refused: plan again.
//   - 3: handovers[] (every release paired with its take); a paired release and take run in
//     phase 2, unbatched, one pair at a time per group (a take used to run in phase 3 after
//     every release). A version 2 plan file is refused: plan again.
//     The scope: flags.secrets_only; scope is also written for a --secrets-only plan. Every
//     plan-shaping flag a plan records (targets, secrets_only, secrets_unchecked included) is
//     refused next to a plan file.
//     Also base, policy, changes' attribution and live_modified (plan --base and --policy).
//
// Secret fields carry only descriptions such as "(sensitive, changed)" and steps only references:
// a saved plan holds no secret value.
package plan
