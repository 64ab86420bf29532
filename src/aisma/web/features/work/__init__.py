"""Who does what by when: assignments and due dates on objectives and roadmap items, and My work."""
