package qualysclient

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

// TestListAllBothShapes: list-all answers are public in two shapes (EVIDENCE.md fact 1), and the
// client reads both, and a mix, as the same ID sets: AUTH_RECORDS_OUTPUT with AUTH_<TYPE>_IDS
// (code run against live answers, auth_records.dtd) and AUTH_LIST_OUTPUT with AUTH_<TYPE>_RECORDS
// (the HTML documentation's sample). Against the first, qsync once fell back to one list call per
// kind on every run.
func TestListAllBothShapes(t *testing.T) {
	const dt = `<DATETIME>2024-01-01T00:00:00Z</DATETIME>`
	want := map[RecordType][]int64{Unix: {17, 18, 19, 41}, Windows: {1}, "ms_sql": {7}}
	for name, body := range map[string]string{
		"auth_records.dtd": `<!DOCTYPE AUTH_RECORDS_OUTPUT SYSTEM "https://qualysapi.qualys.com/api/2.0/fo/auth/auth_records.dtd">
<AUTH_RECORDS_OUTPUT><RESPONSE>` + dt + `<AUTH_RECORDS>
<AUTH_UNIX_IDS><ID_SET><ID_RANGE>17-19</ID_RANGE><ID>41</ID></ID_SET></AUTH_UNIX_IDS>
<AUTH_WINDOWS_IDS><ID_SET><ID>1</ID></ID_SET></AUTH_WINDOWS_IDS>
<AUTH_MS_SQL_IDS><ID_SET><ID>7</ID></ID_SET></AUTH_MS_SQL_IDS>
</AUTH_RECORDS></RESPONSE></AUTH_RECORDS_OUTPUT>`,
		"doc sample": `<AUTH_LIST_OUTPUT><RESPONSE>` + dt + `<AUTH_RECORDS>
<AUTH_UNIX_RECORDS><ID_SET><ID_RANGE>17-19</ID_RANGE><ID>41</ID></ID_SET></AUTH_UNIX_RECORDS>
<AUTH_WINDOWS_RECORDS><ID_SET><ID>1</ID></ID_SET></AUTH_WINDOWS_RECORDS>
<AUTH_MS_SQL_RECORDS><ID_SET><ID>7</ID></ID_SET></AUTH_MS_SQL_RECORDS>
</AUTH_RECORDS></RESPONSE></AUTH_LIST_OUTPUT>`,
		"mixed, one type under both names": `<AUTH_RECORDS_OUTPUT><RESPONSE>` + dt + `<AUTH_RECORDS>
<AUTH_UNIX_IDS><ID_SET><ID_RANGE>17-19</ID_RANGE></ID_SET></AUTH_UNIX_IDS>
<AUTH_UNIX_RECORDS><ID_SET><ID>19</ID><ID>41</ID></ID_SET></AUTH_UNIX_RECORDS>
<AUTH_WINDOWS_RECORDS><ID_SET><ID>1</ID></ID_SET></AUTH_WINDOWS_RECORDS>
<AUTH_MS_SQL_IDS><ID_SET><ID>7</ID></ID_SET></AUTH_MS_SQL_IDS>
</AUTH_RECORDS></RESPONSE></AUTH_RECORDS_OUTPUT>`,
	} {
		t.Run(name, func(t *testing.T) {
			env := setup(t)
			env.mux.HandleFunc("/api/2.0/fo/auth/", func(w http.ResponseWriter, r *http.Request) { writeXML(w, 200, body) })
			got, err := env.client.ListAll(context.Background(), ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("ListAll = %v, want %v", got, want)
			}
		})
	}
}

func TestListAllType(t *testing.T) {
	for name, want := range map[string]RecordType{
		"AUTH_UNIX_IDS": "unix", "AUTH_MS_SQL_RECORDS": "ms_sql", "AUTH_PALO_ALTO_FIREWALL_IDS": "palo_alto_firewall",
		"AUTH_IDS": "", "AUTH_RECORDS": "", "UNIX_IDS": "", "AUTH_UNIX": "", "AUTH_UNIX_LIST": "",
	} {
		got, ok := listAllType(name)
		if ok != (want != "") || got != want && ok {
			t.Errorf("listAllType(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}
