package qualysemu

import (
	"fmt"
	"testing"
)

// BenchmarkCreateUnix measures creates into a growing unix estate (title
// and IP checks run against every record of the group).
func BenchmarkCreateUnix(b *testing.B) {
	e := newEmu(&testing.T{})
	e.noParse = true
	b.ResetTimer()
	for i := range b.N {
		form := fmt.Sprintf("action=create&title=r%d&ips=10.%d.%d.%d&username=u&password=p", i, i>>16&255, i>>8&255, i&255)
		if r := e.post(unixPath, form); r.status != 200 {
			b.Fatalf("%d: %s", r.status, r.body)
		}
	}
}

// BenchmarkListPage measures one full page (1000 records) of a 5000-record
// estate.
func BenchmarkListPage(b *testing.B) {
	e := newEmu(&testing.T{})
	e.noParse = true
	for i := range 5000 {
		e.post(mysqlPath, fmt.Sprintf("%s&title=r%d&ips=10.0.%d.%d", mysqlBasic, i, i>>8&255, i&255))
	}
	b.ResetTimer()
	for range b.N {
		if r := e.post(mysqlPath, "action=list"); r.status != 200 {
			b.Fatal(r.status)
		}
	}
}
