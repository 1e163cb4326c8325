// Package prcomment posts qsync's plan and apply results to the pull request (GitHub) or merge
// request (GitLab) under review, as one comment per configuration that later runs update in place.
//
// It owns: detecting the platform and the request from the standard CI environment; finding the
// comment again among all of the request's comments (following pagination) by a hidden marker
// that names the kind of comment, the owner and the configuration path, and only among comments
// written by the token's own user; fitting a body into the platform's size limit at a safe
// boundary (keeping deletes and refusals, balancing code fences and <details>, pointing to the
// full artifact); rendering the markdown of an apply result and of a failed run (from a plan file
// that is missing or empty, or from the stderr a FailureLog recorded); the comment bodies qsync
// comment posts, its report of what was posted, and appending to the GitHub Actions job summary.
//
// Every API call goes through one function (client.do), on an HTTP client of the one outbound
// policy (internal/outbound: the API's origin only, the token to it alone, redirects followed
// within it only, plain http only to loopback); no error or log line ever holds the token.
package prcomment
