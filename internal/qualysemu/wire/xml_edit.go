package wire

// Child returns the first child element called name, or nil.
func (n *Node) Child(name string) *Node {
	for _, k := range n.Kids {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// Remove drops every child element called name.
func (n *Node) Remove(name string) {
	kids := n.Kids[:0]
	for _, k := range n.Kids {
		if k.Name != name {
			kids = append(kids, k)
		}
	}
	n.Kids = kids
}

// Replace puts with in the place of the child old.
func (n *Node) Replace(old, with *Node) {
	for i, k := range n.Kids {
		if k == old {
			n.Kids[i] = with
		}
	}
}

// Set gives the text child name the value, adding it when absent.
func (n *Node) Set(name, value string) {
	if k := n.Child(name); k != nil {
		k.Text, k.HasText, k.Kids = value, true, nil
		return
	}
	n.Add(Txt(name, value))
}
