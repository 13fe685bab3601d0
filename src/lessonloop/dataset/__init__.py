"""The dataset wing: the store as training data (`lessonloop dataset export|quality|milestones`)."""
