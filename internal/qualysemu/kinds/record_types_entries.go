package kinds

// This file is the table of the structured lists a record type takes in an XML body (the unix
// record's private keys and root delegation tools), read from Qualys-API-Doc-Center "Unix
// Authentication API samples/": the create and update samples send UNIX_AUTH_PARAMS with
// PRIVATE_KEY_CERTIFICATES/PRIVATE_KEY_CERTIFICATE and ROOT_TOOLS/ROOT_TOOL; the list sample
// shows PRIVATE_KEY_CERTIFICATE_LIST/PRIVATE_KEY_CERTIFICATE and ROOT_TOOL_INFO_LIST/ROOT_TOOL_INFO.
// The emulator's entries.go applies it.

// EntryList is one list: its section and entry elements in the body (in, inEntry), and as listed
// (out, outEntry). Entries are listed with their ID, then the parts in order.
type EntryList struct {
	In, InEntry, Out, OutEntry string
	Parts                      []EntryListPart
	// StandsForPassword: a basic create with entries in this section needs no password (Doc
	// Center "Create Unix record with Private Keys" samples 1-8 send none, and no skip_password).
	StandsForPassword bool
}

// EntryListPart is one element of an entry.
type EntryListPart struct {
	In  string // element in the body
	Out string // element listed
	// Value, for a part with a source (type="basic" or "vault"), is the element holding the
	// basic value (PRIVATE_KEY inside PRIVATE_KEY_INFO); "" for a part that is itself typed
	// (CERTIFICATE type="openssh", STANDARD_TYPE type="pimsu").
	Value string
	Types []string // allowed type= of the value element, or of a typed part
	// Listed maps a typed part's type to the text listed in out (STANDARD_TYPE type="pimsu" is
	// listed as ROOT_TOOL text); nil lists the part as an empty out element with the type.
	Listed   map[string]string
	Required bool
	// NeedsText marks a typed part that carries its value as text (CERTIFICATE type="openssh"
	// holds the certificate): sent without it, the part is refused rather than stored as a type
	// alone.
	NeedsText bool
}

// unixEntryLists are the unix record's lists.
var unixEntryLists = []EntryList{
	{In: "ROOT_TOOLS", InEntry: "ROOT_TOOL", Out: "ROOT_TOOL_INFO_LIST", OutEntry: "ROOT_TOOL_INFO", Parts: []EntryListPart{
		// Only pimsu (input) and PowerBroker (listed) are documented; the other slugs and
		// listed names follow the Qualys UI and are inferred.
		{In: "STANDARD_TYPE", Out: "ROOT_TOOL", Required: true,
			Types:  []string{"dzdo", "pbrun", "pimsu", "su", "sudo"},
			Listed: map[string]string{"dzdo": "Dzdo", "pbrun": "PowerBroker", "pimsu": "Pimsu", "su": "Su", "sudo": "Sudo"}},
		{In: "PASSWORD_INFO", Out: "PASSWORD_INFO", Value: "PASSWORD"},
	}},
	{In: "PRIVATE_KEY_CERTIFICATES", InEntry: "PRIVATE_KEY_CERTIFICATE", Out: "PRIVATE_KEY_CERTIFICATE_LIST", OutEntry: "PRIVATE_KEY_CERTIFICATE", StandsForPassword: true, Parts: []EntryListPart{
		{In: "PRIVATE_KEY_INFO", Out: "PRIVATE_KEY_INFO", Value: "PRIVATE_KEY", Types: []string{"rsa", "dsa", "ecdsa", "ed25519"}, Required: true},
		{In: "PASSPHRASE_INFO", Out: "PASSPHRASE_INFO", Value: "PASSPHRASE"},
		{In: "CERTIFICATE", Out: "CERTIFICATE", Types: []string{"openssh", "x.509"}, NeedsText: true},
	}},
}
