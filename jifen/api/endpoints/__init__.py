"""One module per area, each with its serializers and views: tokens, me, declarations, review,
committee, roster, schemes, cycle, public."""
