package load

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/qsync/qsync/internal/spec"
)

// TestUniqueRules covers the cross-record rules of the database kinds, from the configuration alone:
// Oracle's one "All Ports" record per host, DB2's (IP, port) or, with pc_only on both, (IP, port,
// database) uniqueness, and the secondary-source Oracle port rule, which only warns.
func TestUniqueRules(t *testing.T) {
	oracle := func(title, ips, extra string) string {
		return "  - {type: oracle, title: " + title + ", ips: [" + ips + "], username: u, password: {env: PW}, sid: S" + extra + "}\n"
	}
	db2 := func(title, ips, database, extra string) string {
		return "  - {type: ibm_db2, title: " + title + ", ips: [" + ips + "], username: u, password: {env: PW}, database: " + database + extra + "}\n"
	}
	for _, c := range []struct {
		name     string
		records  string
		errors   []string // substrings, in order
		warnings []string
	}{
		{name: "two oracle all-ports records on one host",
			records: oracle("a", "10.0.0.1-10.0.0.5", "") + oracle("b", "10.0.0.5", ""),
			errors: []string{`records/1: oracle record "b" and oracle record "a" (at x.yaml:4:5) both hold 10.0.0.5 with no port: ` +
				`Qualys allows one Oracle record with All Ports, that is without a port, per host`}},
		{name: "oracle all-ports records on different hosts", records: oracle("a", "10.0.0.1", "") + oracle("b", "10.0.0.2", "")},
		{name: "oracle all-ports and a port-specific record", records: oracle("a", "10.0.0.1", "") + oracle("b", "10.0.0.1", ", port: 1521")},
		{name: "oracle all-ports records stay one per host with pc_only",
			records: oracle("a", "10.0.0.1", ", pc_only: true") + oracle("b", "10.0.0.1", ", pc_only: true"),
			errors:  []string{"with no port: Qualys allows one Oracle record with All Ports"}},
		{name: "two oracle records on one host and port warn",
			records:  oracle("a", "10.0.0.1", ", port: 1521") + oracle("b", "10.0.0.1", ", port: 1521"),
			warnings: []string{"with port 1521: several Oracle records on one host and port need pc_only on each, says a secondary source"}},
		{name: "two pc_only oracle records on one host and port",
			records: oracle("a", "10.0.0.1", ", port: 1521, pc_only: true") + oracle("b", "10.0.0.1", ", port: 1521, pc_only: true")},
		{name: "db2 on one IP and port",
			records: db2("a", "10.0.0.0/30", "D", ", port: 50000") + db2("b", "10.0.0.2", "E", ", port: 50000"),
			errors:  []string{`ibm_db2 record "b" and ibm_db2 record "a" (at x.yaml:4:5) both hold 10.0.0.2 with port 50000: a DB2 instance is unique`}},
		{name: "db2 on one IP, different ports", records: db2("a", "10.0.0.1", "D", ", port: 50000") + db2("b", "10.0.0.1", "D", ", port: 50001")},
		{name: "db2 pc_only with different databases",
			records: db2("a", "10.0.0.1", "D", ", port: 50000, pc_only: true") + db2("b", "10.0.0.1", "E", ", port: 50000, pc_only: true")},
		{name: "db2 pc_only with one database",
			records: db2("a", "10.0.0.1", "D", ", port: 50000, pc_only: true") + db2("b", "10.0.0.1", "D", ", port: 50000, pc_only: true"),
			errors:  []string{"with port 50000, database D: a DB2 instance is unique"}},
		{name: "db2 pc_only on one side only",
			records: db2("a", "10.0.0.1", "D", ", port: 50000, pc_only: true") + db2("b", "10.0.0.1", "E", ", port: 50000"),
			errors:  []string{"with port 50000: a DB2 instance is unique"}},
		{name: "rules do not cross kinds",
			records: oracle("a", "10.0.0.1", "") + "  - {type: ibm_db2, title: a, ips: [10.0.0.1], username: u, password: {env: PW}, database: D, port: 1}\n"},
		{name: "three records on one host: every pair once",
			records: oracle("a", "10.0.0.1", "") + oracle("b", "10.0.0.1", "") + oracle("c", "10.0.0.0/24", ""),
			errors: []string{`oracle record "b" and oracle record "a"`, `oracle record "c" and oracle record "a"`,
				`oracle record "c" and oracle record "b"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"x.yaml": "version: 1\nowner: secops\nrecords:\n" + c.records})
			_, ds := Files(Options{}, dir)
			var errs, warns []string
			for _, d := range ds {
				line := strings.ReplaceAll(d.String(), dir+string(filepath.Separator), "")
				if d.Severity == spec.SeverityWarning {
					warns = append(warns, line)
				} else {
					errs = append(errs, line)
				}
			}
			check := func(kind string, got, want []string) {
				t.Helper()
				if len(got) != len(want) {
					t.Fatalf("%s: got %d, want %d:\n%s", kind, len(got), len(want), strings.Join(got, "\n"))
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("%s %d: got %q, want it to contain %q", kind, i, got[i], want[i])
					}
				}
			}
			check("errors", errs, c.errors)
			check("warnings", warns, c.warnings)
		})
	}
}
