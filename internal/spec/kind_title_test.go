package spec

// kindTitle names a kind in test messages: "unix / cisco", "mysql".
func kindTitle(d *KindDef) string {
	if d.Type != "" {
		return string(d.Kind) + " / " + d.Type
	}
	return string(d.Kind)
}
