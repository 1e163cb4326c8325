package qualysemu

// This file is the table of the structured lists a record type takes in an XML body (the unix
// record's private keys and root delegation tools), read from Qualys-API-Doc-Center "Unix
// Authentication API samples/": the create and update samples send UNIX_AUTH_PARAMS with
// PRIVATE_KEY_CERTIFICATES/PRIVATE_KEY_CERTIFICATE and ROOT_TOOLS/ROOT_TOOL; the list sample
// shows PRIVATE_KEY_CERTIFICATE_LIST/PRIVATE_KEY_CERTIFICATE and ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO.
// entries.go applies it.

// entryList is one list: its section and entry elements in the body (in, inEntry), and as listed
// (out, outEntry). Entries are listed with their ID, then the parts in order.
type entryList struct {
	in, inEntry, out, outEntry string
	parts                      []entryPart
	// standsForPassword: a basic create with entries in this section needs no password (Doc
	// Center "Create Unix record with Private Keys" samples 1-8 send none, and no skip_password).
	standsForPassword bool
}

// entryPart is one element of an entry.
type entryPart struct {
	in  string // element in the body
	out string // element listed
	// value, for a part with a source (type="basic" or "vault"), is the element holding the
	// basic value (PRIVATE_KEY inside PRIVATE_KEY_INFO); "" for a part that is itself typed
	// (CERTIFICATE type="openssh", STANDARD_TYPE type="pimsu").
	value string
	types []string // allowed type= of the value element, or of a typed part
	// listed maps a typed part's type to the text listed in out (STANDARD_TYPE type="pimsu" is
	// listed as ROOT_TOOL text); nil lists the part as an empty out element with the type.
	listed   map[string]string
	required bool
	// needsText marks a typed part that carries its value as text (CERTIFICATE type="openssh"
	// holds the certificate): sent without it, the part is refused rather than stored as a type
	// alone.
	needsText bool
}

// unixEntryLists are the unix record's lists.
var unixEntryLists = []entryList{
	{in: "ROOT_TOOLS", inEntry: "ROOT_TOOL", out: "ROOT_TOOL_INFO_LIST", outEntry: "ROOT_TOOL_INFO", parts: []entryPart{
		// Only pimsu (input) and PowerBroker (listed) are documented; the other slugs and
		// listed names follow the Qualys UI and are inferred.
		{in: "STANDARD_TYPE", out: "ROOT_TOOL", required: true,
			types:  []string{"dzdo", "pbrun", "pimsu", "su", "sudo"},
			listed: map[string]string{"dzdo": "Dzdo", "pbrun": "PowerBroker", "pimsu": "Pimsu", "su": "Su", "sudo": "Sudo"}},
		{in: "PASSWORD_INFO", out: "PASSWORD_INFO", value: "PASSWORD"},
	}},
	{in: "PRIVATE_KEY_CERTIFICATES", inEntry: "PRIVATE_KEY_CERTIFICATE", out: "PRIVATE_KEY_CERTIFICATE_LIST", outEntry: "PRIVATE_KEY_CERTIFICATE", standsForPassword: true, parts: []entryPart{
		{in: "PRIVATE_KEY_INFO", out: "PRIVATE_KEY_INFO", value: "PRIVATE_KEY", types: []string{"rsa", "dsa", "ecdsa", "ed25519"}, required: true},
		{in: "PASSPHRASE_INFO", out: "PASSPHRASE_INFO", value: "PASSPHRASE"},
		{in: "CERTIFICATE", out: "CERTIFICATE", types: []string{"openssh", "x.509"}, needsText: true},
	}},
}
