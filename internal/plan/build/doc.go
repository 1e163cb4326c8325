// Package build compares the desired state with the live one (both spec.Documents in canonical
// form) and builds the plan.Plan that turns one into the other: it decides ownership, what
// differs and what is sent, orders and batches the API calls, pairs hand-overs and applies the
// safety guards (Plan). It does no I/O.
//
// # Algorithm
//
// Like dnscontrol's diff2, Plan never special-cases the applier: both sides are already one
// comparable form, so a plan is a set difference.
//
//  1. Hands off (handsoff.go). Before matching, every live object is classified once: managed
//     (this owner's marker), unmarked, another owner's, or opaque (one qsync cannot represent,
//     spec.Object.Opaque). Only managed objects are ever updated or deleted. A declared object
//     that exists live without a marker is an error unless adopted (adopt: true or
//     plan.Options.Adopt); one carrying another owner's marker is always an error. Live objects not
//     declared and not managed are listed in plan.Plan.Unmanaged and never touched. Managed live
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
//  4. Secrets are write-only. With plan.Options.SecretKey, each desired secret is fingerprinted
//     (spec.Fingerprint) and compared with the fingerprint in the live marker; only changed or
//     unknown ones are sent, and the marker written carries the new fingerprints. Without a key,
//     secrets are sent on create (and when a login switches back to basic) only and the plan notes
//     that drift is not checked; plan.Options.PushSecrets sends every secret. Steps carry
//     spec.SecretRef references; no value is ever stored in a Plan.
//  5. Guards. protect: true refuses the replacement of a declared object (listed in plan.Plan.Refused);
//     it guards objects still in the configuration, including one found through previous_titles.
//     A managed object removed from the configuration carries no protect flag any more, so protect
//     cannot stop its delete: the delete threshold and the review of the plan do. Deletes of more
//     than DeleteThreshold of the managed objects of a kind, or of all the objects the owner
//     manages (when at least DeleteMinCount exist), are refused with a *plan.RefusedError unless
//     AllowDeletes; a replacement counts as a delete (checks.go, guard). Unless the live document is Complete
//     (a fact live.Read records), any create or delete is refused (plan.ErrLiveIncomplete): "not
//     seen" never becomes "delete" or "create again".
//  6. Order and batch (package order, order.Steps; see plan.Step and the plan.Phase constants).
//     Vaults first; then, in phase 2, record updates that only remove IPs or free a title, the
//     IP removal or title change split off an update whose removed IPs or old title another
//     record takes, record deletes that free IPs, a title or a rule slot, and the hand-overs;
//     then record creates and the remaining updates; record deletes; vault deletes.
//     Hand-overs (order's handover.go, the one place where releases meet takes): every call that frees
//     a title, IPs of an exclusivity group or a rule slot (spec.Slots, from the kind table)
//     that another call takes is paired with that call (plan.Plan.Handovers). A take depends on its
//     release; paired calls are never batched; a unit of pairs between different objects runs
//     in phase 2, release then take; the units of one group (a kind's exclusivity group, else
//     its kind) run one at a time, each after the previous unit's takes. A replacement is a
//     pair too (it keeps its phase). A record pointing at a vault created by the plan depends
//     on that create. Record updates with identical parameters are
//     one call with many IDs; record deletes of one kind in one phase are one call; vault calls
//     take one id each.
//
// Drift: a plan cannot know history, so plan.Change.Drift marks any update of a managed object whose
// readable settings (not its title or secrets) differ from the configuration: either the
// configuration changed or someone changed the object outside qsync. Creates of objects that were
// once managed and vanished from Qualys cannot be told apart from new ones and are not flagged.
package build
