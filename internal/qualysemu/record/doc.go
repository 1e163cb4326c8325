// Package record owns what one auth record create or update may do in the emulator: the ordered
// list of validation rules (Rules, run by Build), each answering one Qualys code (1903, 1904,
// 1905, 1907, 1922) and citing its source, and the structured lists a record takes in an XML body
// (BuildEntries, listed by EntryNodes), and how a stored record is listed (ListNode). It reads
// the record-type tables of package kinds and the request of package wire; the stored vaults it
// checks a vault login against come in through Vaults. It holds no state and does no I/O: the emulator's server (package qualysemu) runs it
// under its lock, then checks title uniqueness, IP exclusivity and the cross-record rules.
package record
