// Package ci owns what qsync does inside a CI system besides planning and applying: the glue the
// GitHub Action (action.yml) and the GitLab CI/CD component (templates/) run as `qsync ci ...`,
// instead of copied shell.
//
//   - Stamp writes, next to a saved plan, what the plan was made for: the platform, the pull or
//     merge request, its head commit, the configuration path and the plan's SHA-256
//     (qsync-plan.meta.json). The plan job uploads both as its artifact.
//   - FetchPlan finds the plan reviewed in the pull request (GitHub) or merge request (GitLab) a
//     run belongs to (a pull request's run, a merge queue's merge_group, a merge train or merged
//     results pipeline, or the push of the merge commit to the default branch), downloads it and
//     checks it against the request's head commit as the API reports it now: a plan made for an
//     older commit, for another request or configuration, or altered after it was stamped is
//     refused.
//   - Drift keeps one issue per configuration (found by a hidden marker, among the issues the
//     token's user wrote): opened when a scheduled plan finds drift, updated while it lasts,
//     closed with a comment when Qualys matches the configuration again.
//
// Every API call goes through one function (api.do) with an HTTP client built by newHTTPClient
// (one origin; credentials only to it; plain http only to loopback). An artifact download that the
// platform redirects to its object storage (a signed URL on another host) is followed by a second
// client for that origin that carries no credential.
package ci
