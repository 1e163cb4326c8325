package qualysemu

import (
	"slices"
	"testing"
)

// TestSortedRecordsFollowsWrites: the sorted index is rebuilt after a record is stored or dropped,
// so a list page never misses a new record nor shows a deleted one, whatever the order of IDs.
func TestSortedRecordsFollowsWrites(t *testing.T) {
	st := newStore(1, 1)
	ids := func() []int64 {
		var out []int64
		for _, r := range st.sortedRecords() {
			out = append(out, r.ID)
		}
		return out
	}
	rec := func(id int64) *Record {
		return &Record{ID: id, Type: "mysql", Params: map[string]string{"title": "r"}}
	}
	st.putRecord(rec(5))
	st.putRecord(rec(2))
	if got := ids(); !slices.Equal(got, []int64{2, 5}) {
		t.Fatalf("after two writes: %v, want [2 5]", got)
	}
	st.putRecord(rec(3))
	if got := ids(); !slices.Equal(got, []int64{2, 3, 5}) {
		t.Fatalf("after a write between: %v, want [2 3 5]", got)
	}
	st.dropRecord(st.records[2])
	if got := ids(); !slices.Equal(got, []int64{3, 5}) {
		t.Fatalf("after a drop: %v, want [3 5]", got)
	}
	replaced := rec(5)
	st.putRecord(replaced)
	if got := st.sortedRecords(); len(got) != 2 || got[1] != replaced {
		t.Fatalf("after replacing record 5 the index holds %v, want the new record", got)
	}
}
