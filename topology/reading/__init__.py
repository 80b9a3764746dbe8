"""Reading: CIF (through gemmi, with repairs of common faults) and Systre .cgd files into a Crystal or a net."""
