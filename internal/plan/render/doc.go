// Package render shows a plan.Plan to people and machines: Plan writes it as text (for a
// terminal, optionally coloured), markdown (for a pull-request comment, bounded in size) or json,
// and Save writes the plan JSON format that plan files hold. Every string that comes from the
// configuration or from Qualys passes through one escaping point (safe, safeJSON) so that control
// and bidi characters cannot forge lines, and markdown mentions and links are made inert. It does
// no I/O other than writing to an io.Writer.
package render
