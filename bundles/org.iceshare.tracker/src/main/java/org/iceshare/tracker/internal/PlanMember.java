package org.iceshare.tracker.internal;

import org.iceshare.api.planner.MemberView;
import org.iceshare.api.swarm.PeerId;

/**
 * What a planner sees of a member: a read-only view over the tracker's own state, made once per member
 * (the tracker checks a planner's choice by identity).
 *
 * <p><b>Threading:</b> the tracker's executor only.
 */
final class PlanMember implements MemberView {
    private final Content content;
    final Member member;

    PlanMember(Content content, Member member) {
        this.content = content;
        this.member = member;
    }

    @Override
    public PeerId id() {
        return member.id;
    }

    @Override
    public boolean source() {
        return member.source;
    }

    @Override
    public boolean holds(int piece) {
        return member.have.has(piece) || member.claimed.has(piece);
    }

    @Override
    public int assigned() {
        return member.assigned.size();
    }

    @Override
    public int window() {
        return content.window(member);
    }

    @Override
    public int playhead() {
        return content.live() ? member.start : member.playhead;
    }

    @Override
    public long uploadCap() {
        return Math.max(0, member.session.uploadCap);
    }

    @Override
    public double measuredUploadRate() {
        return member.measuredRate;
    }

    @Override
    public int serving() {
        return member.serving;
    }

    @Override
    public long servingBytes() {
        return member.servingBytes;
    }

    @Override
    public int slots(int pieceLength) {
        return content.slots(member, pieceLength);
    }

    @Override
    public String toString() {
        return member.session.toString();
    }
}
