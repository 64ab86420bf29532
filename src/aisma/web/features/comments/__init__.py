"""Comments on objectives, AI systems and roadmap items: Markdown rendered safely, @mentions notified."""
