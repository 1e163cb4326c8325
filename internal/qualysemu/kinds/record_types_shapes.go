package kinds

// ListShape is how a record type's list answer writes what the public sources show differently per
// type (EVIDENCE.md fact 8). The zero value is the MySQL sample's shape: booleans true/false and a
// LOGIN_TYPE element on every record.
type ListShape struct {
	BoolDigits  bool // booleans as 1/0
	NoLoginType bool // no LOGIN_TYPE element: a vault login shows by its DIGITAL_VAULT
}

// ListShapes holds the best-evidenced list shape of each record type a source shows otherwise than
// the MySQL sample; the other types have no list evidence at all [I] and keep the sample's shape.
var ListShapes = map[string]ListShape{
	// Doc Center "List Unix Record with root delegations, private-key certificates" [P DC]; code run
	// against live answers compares CLEARTEXT_PASSWORD and SKIP_PASSWORD to "1" [R SB].
	"unix": {BoolDigits: true, NoLoginType: true},
	// Code run against live answers prints NTLM as "NTLMv"+value, i.e. 0/1 [R SB]; no source shows
	// a windows list without LOGIN_TYPE.
	"windows": {BoolDigits: true},
}
