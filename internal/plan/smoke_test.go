package plan

import (
	"os"
	"testing"
)

func TestSmokeMySQL(t *testing.T) {
	live := doc(mysql(t, "old-db", 17, "10.0.0.1"), mysql(t, "billing-db", 5, "10.0.0.2", "10.0.0.3"))
	d := mysql(t, "billing-db", 0, "10.0.0.2", "10.0.0.4")
	d.Attrs["port"] = "3307"
	d.Comments = "billing database\nowned by team x"
	n := mysql(t, "new-db", 0, "10.1.0.0/28")
	p := mustBuild(t, doc(d, n), live, baseOpts())
	out := renderAll(t, p)
	os.Stdout.WriteString(out["text"])
	os.Stdout.WriteString(out["json"])
	os.Stdout.WriteString(out["markdown"])
}
