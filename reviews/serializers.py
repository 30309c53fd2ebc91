"""API shapes of reviews: a reviewer's assignments and a review's answers."""

from __future__ import annotations

from rest_framework import serializers

from reviews.models import Review


class AssignmentSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id")

    class Meta:
        model = Review
        fields = [
            "id",
            "cycle",
            "region",
            "is_lead",
            "status",
            "version",
            "saved_at",
            "submitted_at",
        ]


class AnswerSerializer(serializers.Serializer):
    level = serializers.IntegerField(allow_null=True, required=False)
    no_evidence = serializers.BooleanField(default=False)
    comment = serializers.CharField(allow_blank=True, default="")
    cited_version = serializers.IntegerField(allow_null=True, required=False)
    cited_page = serializers.IntegerField(allow_null=True, required=False)


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(
        help_text="The version you read; a stale one answers 409."
    )
    status = serializers.CharField(read_only=True)
    answers = serializers.DictField(
        child=AnswerSerializer(), help_text="Indicator code -> answer."
    )
