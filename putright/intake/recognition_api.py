"""POST /api/v1/intake/recognise/: is this message a complaint? (Code 1.2–1.6)

A suggestion from the recognition assistant (putright/rules/recognition.py, docs/recognition.md):
a label, a score (how likely it is a complaint) and the phrases that carry dissatisfaction. It
reads and stores nothing; a person decides what the message is.
"""

from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from putright.core.permissions import Action, HasAction
from putright.intake.constants import RECOGNISED_CHARS
from putright.rules.recognition import LABELS, Recognition, recognise

# The same limit as the intake inbox's (constants.RECOGNISED_CHARS): one call stays short.
MAX_TEXT = RECOGNISED_CHARS
TEXT_REQUIRED = "Enter the text of the message."
TEXT_TOO_LONG = f"The text must be {MAX_TEXT:,} characters or fewer."


class RecogniseIn(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_TEXT,
        trim_whitespace=False,  # offsets in the answer point into the text exactly as sent
        error_messages={
            "required": TEXT_REQUIRED,
            "blank": TEXT_REQUIRED,
            "null": TEXT_REQUIRED,
            "max_length": TEXT_TOO_LONG,
            "invalid": "The text must be a string.",
        },
        help_text=f"The message, up to {MAX_TEXT:,} characters.",
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(TEXT_REQUIRED)
        return value


class PhraseOut(serializers.Serializer):
    start = serializers.IntegerField(help_text="Offset of the first character in the text.")
    end = serializers.IntegerField(help_text="Offset just after the last character.")
    text = serializers.CharField()


class RecognitionOut(serializers.Serializer):
    label = serializers.ChoiceField(choices=LABELS, help_text="The suggested category.")
    score = serializers.FloatField(help_text="0–1: how likely the message is a complaint.")
    phrases = PhraseOut(many=True, help_text="The phrases that carry dissatisfaction.")


def recognition_data(result: Recognition) -> dict[str, object]:
    """The answer's JSON shape (also the shape of `manage.py recognise`'s lines)."""
    return {
        "label": result.label,
        "score": result.score,
        "phrases": [{"start": p.start, "end": p.end, "text": p.text} for p in result.phrases],
    }


class RecogniseView(APIView):
    """Suggest whether a message is a complaint, and why."""

    permission_classes = [HasAction(Action.RECOGNISE)]

    @extend_schema(
        operation_id="intake_recognise",
        summary="Suggest whether a message is a complaint (Code 1.2–1.6)",
        request=RecogniseIn,
        responses={200: RecognitionOut},
        examples=[
            OpenApiExample(
                "A subtle complaint",
                request_only=True,
                value={"text": "This is the third time I've chased about the boiler."},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = RecogniseIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(recognition_data(recognise(serializer.validated_data["text"])))


urlpatterns = [path("intake/recognise/", RecogniseView.as_view(), name="intake-recognise")]
