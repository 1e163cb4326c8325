// Package plan owns the heart of qsync: it compares the desired state with the live one (both
// spec.Documents in canonical form), decides ownership, orders and batches the API calls, applies
// the safety guards, renders plans for review (text, markdown, json) and writes the plan JSON
// format (Save) that plan files hold; internal/planfile reads and checks plan files. It does no I/O
// other than writing to an io.Writer.
//
// # Algorithm
//
// Like dnscontrol's diff2, Build never special-cases the applier: both sides are already one
// comparable form, so a plan is a set difference.
//
//  1. Hands off (handsoff.go). Before matching, every live object is classified once: managed
//     (this owner's marker), unmarked, another owner's, or opaque (one qsync cannot represent,
//     spec.Object.Opaque). Only managed objects are ever updated or deleted. A declared object
//     that exists live without a marker is an error unless adopted (adopt: true or
//     Options.Adopt); one carrying another owner's marker is always an error. Live objects not
//     declared and not managed are listed in Plan.Unmanaged and never touched. Managed live
//     objects missing from the configuration are deleted (collectDeletes). An opaque live object
//     is never changed: a declared object with its key, or the marker of this owner on it, is an
//     error; otherwise it is listed as unmanaged with its reason, and its IPs still count for IP
//     exclusivity.
//  2. Match (match.go). A desired object matches the live object with its key (kind, title), or,
//     through previous_titles, a live object with an old title (a rename keeping the Qualys ID).
//     A live object named in previous_titles is claimed unless the desired title itself exists
//     live and nobody else claims it (renameClaims).
//  3. Compare (diff.go: what differs; params.go: what is sent). Every readable setting of the
//     kind's descriptor table that the configuration sets is compared in canonical form
//     (spec.Canonical), IPs as address sets, comments as the user's text (the marker is not
//     shown), logins by vault ID and the vault type's record-side parameters (login.go).
//     A field the configuration omits is unmanaged (not compared, not sent) unless its default
//     is documented (spec.FieldDef.DefaultDocumented; the loader fills it in); a field the live
//     answer did not list (spec.Object.Unknown) is not compared and never causes an update or a
//     replacement, and a note says so (diff.go, unknownNotes). Vault types that are
//     spec.KindDef.Unwritable are never created, replaced or changed (checkUnwritable).
//     Settings that apply only to basic login (cleartext_password) are compared only when both
//     sides use basic login. Attributes that no descriptor names are not compared. A change of
//     unix sub_type, vault type or an Immutable field needs a replacement (delete, then create).
//     The field changes a reviewer sees come first; the parameters of an update are derived from
//     them, plus what the API wants on every update (a vault's type, and the settings
//     resentOnUpdate names, such as CA PAM's ssl_verify).
//     A unix record's private_keys and root_tools (items.go) are compared as multisets of what
//     Qualys lists and, because Qualys replaces every entry of a list it is sent
//     (spec.FieldDef.WholeSection), sent whole (flattened parameters such as private_keys.0.key,
//     which the client turns into typed sections) or not at all; a list is never sent without a
//     part that must survive (a certificate listed by its type, a passphrase listed as basic),
//     which is a positioned error instead (checkSectionParts).
//     The kind table's per-kind semantics apply here too: an omitted field with a documented
//     meaning (spec.FieldDef.OmittedMeans: Oracle's port, All Ports) is compared as unset, and
//     removing a value Qualys cannot clear (NoClear) needs a replacement; choosing one member
//     of an exclusive group clears, in the same update, the member the live object holds and the
//     configuration leaves out (exclusiveClears). Whether an object needs a replacement is judged
//     on the very setting changes its update would send (replaceReason), so a clear of an
//     Immutable or NoClear member (windows_domain, when windows_ad_domain is chosen) is a
//     replacement too, never an update Qualys refuses. Unique rules are checked against every live
//     record that keeps its values (checkRuleConflicts; spec.Slots names the slots for ordering).
//  4. Secrets are write-only. With Options.SecretKey, each desired secret is fingerprinted
//     (spec.Fingerprint) and compared with the fingerprint in the live marker; only changed or
//     unknown ones are sent, and the marker written carries the new fingerprints. Without a key,
//     secrets are sent on create (and when a login switches back to basic) only and the plan notes
//     that drift is not checked; Options.PushSecrets sends every secret. Steps carry
//     spec.SecretRef references; no value is ever stored in a Plan.
//  5. Guards. protect: true refuses the replacement of a declared object (listed in Plan.Refused);
//     it guards objects still in the configuration, including one found through previous_titles.
//     A managed object removed from the configuration carries no protect flag any more, so protect
//     cannot stop its delete: the delete threshold and the review of the plan do. Deletes of more
//     than DeleteThreshold of the managed objects of a kind, or of all the objects the owner
//     manages (when at least DeleteMinCount exist), are refused with a *RefusedError unless
//     AllowDeletes; a replacement counts as a delete (checks.go, guard). Unless the live document is Complete
//     (a fact live.Read records), any create or delete is refused (ErrLiveIncomplete): "not
//     seen" never becomes "delete" or "create again".
//  6. Order and batch (steps.go, order.go; see Step, the Phase constants and orderGroup).
//     Vaults first; then, in phase 2, record updates that only remove IPs or free a title, the
//     IP removal or title change split off an update whose removed IPs or old title another
//     record takes, record deletes that free IPs, a title or a rule slot, and the hand-overs;
//     then record creates and the remaining updates; record deletes; vault deletes.
//     Hand-overs (handover.go, the one place where releases meet takes): every call that frees
//     a title, IPs of an exclusivity group or a rule slot (spec.Slots, from the kind table)
//     that another call takes is paired with that call (Plan.Handovers). A take depends on its
//     release; paired calls are never batched; a unit of pairs between different objects runs
//     in phase 2, release then take; the units of one group (a kind's exclusivity group, else
//     its kind) run one at a time, each after the previous unit's takes. A replacement is a
//     pair too (it keeps its phase). A record pointing at a vault created by the plan depends
//     on that create. Record updates with identical parameters are
//     one call with many IDs; record deletes of one kind in one phase are one call; vault calls
//     take one id each.
//
// Drift: a plan cannot know history, so Change.Drift marks any update of a managed object whose
// readable settings (not its title or secrets) differ from the configuration: either the
// configuration changed or someone changed the object outside qsync. Creates of objects that were
// once managed and vanished from Qualys cannot be told apart from new ones and are not flagged.
//
// # JSON format (format_version 3)
//
// The json renderer and Save write the Plan struct; planfile.Read refuses any other format_version. Keys
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
