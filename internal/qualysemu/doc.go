// Package qualysemu owns qsync's stateful emulator of the Qualys
// authentication record, authentication vault and session APIs. It is an
// http.Handler written from shared/qualys-api/REFERENCE.md, the sample XML
// and the seed documents, with docs/qualys-wire-contract.md deciding what
// the documentation leaves open. It is deliberately independent of
// internal/qualysclient and internal/spec, so that a client bug cannot hide
// behind a matching emulator bug. Every test and `make demo` run against it.
//
// # Endpoints
//
//	/api/2.0/fo/auth/                    action=list: ID sets per type (AUTH_RECORDS_OUTPUT, list_all.go)
//	/api/2.0/fo/auth/{mysql,unix,windows}/ list (GET/POST), create, update, delete (POST)
//	/api/2.0/fo/vault/                   list, view (GET/POST), create, update, delete (POST)
//	/api/2.0/fo/session/                 login, logout (POST; QualysSession cookie)
//
// "X", "X/", "X/index.php" and "X/index.php/" are the same endpoint. Cisco
// and Check Point records are unix records with sub_type=cisco or
// sub_type=checkpoint_firewall; /api/2.0/fo/auth/cisco/ and every other path
// is a 404.
//
// Every API call needs Basic auth or a QualysSession cookie (else 401,
// SIMPLE_RETURN 2000 "Bad Login/Password", without limit headers) and an
// X-Requested-With header. Then, in this order: injected faults, the
// concurrency limit (409, 1960), the rate limit (409, 1965), and the
// endpoint's own checks: action, method (1908), unknown parameters (1901),
// missing parameters (1903), mutually exclusive parameters (1904), invalid
// values (1905), unsupported combinations (1907), title uniqueness and IP
// exclusivity (1905). A record create or update runs record.Rules, an ordered list of small
// rules, each answering one Qualys code and citing its source. A refused call has no effect.
// Every non-session answer carries the six X-RateLimit-* and X-Concurrency-Limit-* headers.
//
// Record IDs come from one sequence shared by all record types, vault IDs
// from another. Lists are sorted by ID and stop at Config.PageSize with a
// WARNING (CODE 1980) whose URL repeats the request with id_min. Secrets
// (passwords, API keys, private keys) are stored but never returned, and are
// shown as "********" in echo_request blocks, the request log and
// /_emulator/state.
//
// # Faults
//
// Tests and users rehearsing failure queue faults with Server.AddFault, the
// POST /_emulator/faults endpoint or a CLI flag; the textual form is
// documented at faults.Parse (package qualysemu/faults):
//
//	MATCH:N:KIND[:count=K][:wait=SECONDS][:code=N][:text=...]
//
//	write:3:status=500                 the 3rd write from now answers HTTP 500
//	write:2:drop-after                 the 2nd write takes effect, then the connection is closed
//	any:1:409=1965:count=5:wait=2      the next 5 calls are rate limited, ToWait 2 s
//	list:1:slow=2s                     the next list waits 2 s before running
//	mysql/create:1:error-body:code=1905:text=parameter title has invalid value: x
//
// # Seed files
//
// A seed (YAML or JSON) describes an estate to start from. Parameters use
// the Qualys parameter names; booleans may be true/false or 1/0, lists may
// be YAML lists or comma-separated strings. Each entry is validated exactly
// like an API create; a seed is loaded all or nothing.
//
//	vaults:
//	  - type: CA PAM                 # a Qualys vault type string
//	    title: CA PAM prod
//	    id: 910196                   # optional: pin the vault ID
//	    params: {url: "https://capam.example.com:8443", ssl_verify: 1, apikey_name: qualys, apikey: s3cret}
//	records:
//	  - type: unix                   # mysql, unix or windows
//	    id: 2013435                  # optional: pin the record ID
//	    params: {title: core, ips: [10.1.0.1-10.1.0.40], username: root, vault_app_name: core, vault_device_host: "${ip}"}
//	    vault: CA PAM prod           # optional: login_type=vault with this vault's ID and type
//
// testdata/seed_example.yaml is a complete example.
//
// # State
//
// With Config.StatePath the whole state (records and vaults with their
// secrets, and both ID sequences) is written as JSON after every write,
// atomically and with mode 0600, and read back by New.
//
// # Admin endpoints
//
// For out-of-process tests, without authentication and outside the Qualys
// paths: GET /_emulator/health, GET /_emulator/requests, POST
// /_emulator/requests/reset, GET and POST /_emulator/faults, POST
// /_emulator/faults/reset, GET /_emulator/state.
//
// # Layout
//
// This package is the HTTP server: routing, authentication and sessions, the state and its file,
// seeds, variants, the admin endpoints and the record and vault handlers. What it serves is
// decided in its subpackages, none of which knows about HTTP handlers or the state:
//
//	kinds    the record-type and vault-type tables (what each type takes, requires and excludes)
//	record   the ordered validation rules of a record create or update, the XML body lists,
//	         and how a stored record is listed
//	vault    the parameter checks of a vault create or update
//	wire     request parameters, Qualys errors (SIMPLE_RETURN codes), ids, IP lists, XML writer
//	limits   the rate and concurrency limits and their headers
//	faults   injected faults: what they match and do, their textual form, the queue
package qualysemu
