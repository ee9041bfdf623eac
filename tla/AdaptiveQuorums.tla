--------------------------- MODULE AdaptiveQuorums ---------------------------
(***************************************************************************)
(* Adaptive quorums: single-decree Flexible Paxos in which the leader of   *)
(* each ballot picks the quorum system (a "mode") from a menu. The TLA+    *)
(* twin of spec/adaptive/adaptive.ts in synod: TLC on this module and      *)
(* `synod check adaptive` on the TypeScript model must agree on the        *)
(* verdict, the number of distinct states and the depth (see the .cfg      *)
(* files next to this one for the figures of each instance).               *)
(*                                                                         *)
(* Flexible Paxos needs only that every phase-1 quorum meets every         *)
(* phase-2 quorum. A mode m is such a pair of families: Q1(m) for phase 1  *)
(* and Q2(m) for phase 2, e.g. "routine" (phase 1: every acceptor, phase   *)
(* 2: any one) and "critical" (phase 1: any one, phase 2: every acceptor). *)
(*                                                                         *)
(*   Phase1a(b, m)    the leader of b picks mode m for b and invites every *)
(*                    acceptor to join b. A ballot has one mode: once a 1a *)
(*                    for b is out, only that same 1a can be sent again    *)
(*                    (a stuttering step, as in Paxos.tla).                *)
(*   Phase1b(a, b)    acceptor a joins b if it has joined nothing at or    *)
(*                    above b, and reports its last vote.                  *)
(*   Phase2a(b, v)    once the acceptors of a phase-1 set S of b's mode    *)
(*                    have all joined b, the leader proposes v, at most    *)
(*                    once per ballot: any v if none of them has voted,    *)
(*                    else the value of the highest-ballot vote reported.  *)
(*   Phase2b(a, b, v) acceptor a votes for (b, v) unless it has joined a   *)
(*                    higher ballot.                                       *)
(*                                                                         *)
(* A value is chosen at ballot b when a Q2 quorum of b's mode voted for it *)
(* at b.                                                                   *)
(*                                                                         *)
(* The switching rule. The leader of b cannot know which mode a lower      *)
(* ballot c used (c may start after b does), yet S must meet the phase-2   *)
(* quorum that chose in c, if any. So S must be a Q1 quorum of b's mode    *)
(* AND meet every Q2 quorum of every mode: then the shared acceptor        *)
(* reports a vote at or above c, and the Paxos argument goes through.      *)
(* OwnPairOnly = TRUE is the known-bad rule (the 'own-pair' variant of the *)
(* TypeScript model): S need only be a Q1 quorum of b's mode. Each mode on *)
(* its own is then a correct Flexible Paxos system, but switching between  *)
(* them breaks Agreement, and TLC must find the behaviour.                 *)
(*                                                                         *)
(* A leader waits for a minimal qualifying S, as Paxos.tla waits for a     *)
(* minimal (majority) quorum. With one mode this is Flexible Paxos over    *)
(* (Q1, Q2); with one mode of majorities it is Paxos.tla.                  *)
(*                                                                         *)
(* How a config gives the menu. A TLC config can assign sets of model      *)
(* values but not functions, so Quorum1 and Quorum2 list tagged quorums:   *)
(* each element is a quorum plus the mode it belongs to, e.g.              *)
(* {critical, a1} is the phase-1 quorum {a1} of mode critical. Q1 and Q2   *)
(* below turn them into functions Mode -> set of quorums.                  *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Acceptor,     \* the acceptors (model values in the .cfg)
    Value,        \* the values that may be proposed
    None,         \* a model value outside Value: "has not voted yet"
    MaxBallot,    \* ballots are 0..MaxBallot
    Mode,         \* the names of the quorum systems on the menu (model values)
    Quorum1,      \* phase-1 quorums, each tagged with its mode (see above)
    Quorum2,      \* phase-2 quorums, each tagged with its mode
    OwnPairOnly   \* TRUE selects the known-bad switching rule described above

Ballot == 0..MaxBallot

\* The quorums of each mode, untagged: functions Mode -> SUBSET SUBSET Acceptor.
Q1 == [m \in Mode |-> {T \ {m} : T \in {U \in Quorum1 : m \in U}}]
Q2 == [m \in Mode |-> {T \ {m} : T \in {U \in Quorum2 : m \in U}}]

ASSUME
    /\ Acceptor # {}
    /\ Mode # {}
    /\ Acceptor \cap Mode = {}
    /\ None \notin Value
    /\ MaxBallot \in Nat
    /\ OwnPairOnly \in BOOLEAN
    /\ \A T \in Quorum1 \cup Quorum2 :
          /\ T \subseteq Acceptor \cup Mode
          /\ Cardinality(T \cap Mode) = 1
          /\ T \cap Acceptor # {}
    /\ \A m \in Mode : Q1[m] # {} /\ Q2[m] # {}

\* S may serve as the phase-1 set of a ballot in mode m.
Qualifies(m, S) ==
    /\ \E Q \in Q1[m] : Q \subseteq S
    /\ \/ OwnPairOnly
       \/ \A m2 \in Mode : \A R \in Q2[m2] : S \cap R # {}

\* The minimal such sets (Qualifies is upward closed, so dropping one member suffices).
Phase1Quorum(m) ==
    {S \in SUBSET Acceptor : Qualifies(m, S) /\ \A a \in S : ~Qualifies(m, S \ {a})}

\* Every message the protocol can send. A 1a message carries the ballot's mode.
Message ==
         [type : {"1a"}, bal : Ballot, mode : Mode]
    \cup [type : {"1b"}, acc : Acceptor, bal : Ballot,
          mbal : Ballot \cup {-1}, mval : Value \cup {None}]
    \cup [type : {"2a"}, bal : Ballot, val : Value]
    \cup [type : {"2b"}, acc : Acceptor, bal : Ballot, val : Value]

VARIABLES
    maxBal,   \* maxBal[a]: the highest ballot acceptor a has joined, or -1
    maxVBal,  \* maxVBal[a]: the ballot of a's last vote, or -1
    maxVal,   \* maxVal[a]: the value of a's last vote, or None
    msgs      \* every message sent so far

vars == <<maxBal, maxVBal, maxVal, msgs>>

TypeOK ==
    /\ maxBal \in [Acceptor -> Ballot \cup {-1}]
    /\ maxVBal \in [Acceptor -> Ballot \cup {-1}]
    /\ maxVal \in [Acceptor -> Value \cup {None}]
    /\ msgs \subseteq Message

Init ==
    /\ maxBal = [a \in Acceptor |-> -1]
    /\ maxVBal = [a \in Acceptor |-> -1]
    /\ maxVal = [a \in Acceptor |-> None]
    /\ msgs = {}

Send(m) == msgs' = msgs \cup {m}

(***************************************************************************)
(* Facts about msgs (the type field is tested first).                      *)
(***************************************************************************)
Invited(b) == \E m \in msgs : m.type = "1a" /\ m.bal = b

\* The mode of a ballot that has started (its 1a messages all carry the same one).
BallotMode(b) == (CHOOSE m \in msgs : m.type = "1a" /\ m.bal = b).mode

Proposed(b, v) == \E m \in msgs : m.type = "2a" /\ m.bal = b /\ m.val = v

ProposalMade(b) == \E v \in Value : Proposed(b, v)

VotedFor(a, b, v) ==
    \E m \in msgs : m.type = "2b" /\ m.acc = a /\ m.bal = b /\ m.val = v

JoinReplies(b, Q) == {m \in msgs : m.type = "1b" /\ m.bal = b /\ m.acc \in Q}

AllJoined(b, Q) == \A a \in Q : \E m \in JoinReplies(b, Q) : m.acc = a

ReportedVotes(b, Q) == {m \in JoinReplies(b, Q) : m.mbal # -1}

HighestReported(b, Q, v) ==
    \E m \in ReportedVotes(b, Q) :
        /\ m.mval = v
        /\ \A n \in ReportedVotes(b, Q) : n.mbal <= m.mbal

\* The leader of b may propose v, given what a phase-1 set of b's mode told it.
Proposable(b, v) ==
    \E Q \in Phase1Quorum(BallotMode(b)) :
        /\ AllJoined(b, Q)
        /\ \/ ReportedVotes(b, Q) = {}
           \/ HighestReported(b, Q, v)

(***************************************************************************)
(* The actions.                                                            *)
(***************************************************************************)
Phase1a(b, md) ==
    /\ \A m \in msgs : (m.type = "1a" /\ m.bal = b) => m.mode = md
    /\ Send([type |-> "1a", bal |-> b, mode |-> md])
    /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

Phase1b(a, b) ==
    /\ Invited(b)
    /\ b > maxBal[a]
    /\ maxBal' = [maxBal EXCEPT ![a] = b]
    /\ Send([type |-> "1b", acc |-> a, bal |-> b,
             mbal |-> maxVBal[a], mval |-> maxVal[a]])
    /\ UNCHANGED <<maxVBal, maxVal>>

Phase2a(b, v) ==
    /\ Invited(b)
    /\ ~ProposalMade(b)
    /\ Proposable(b, v)
    /\ Send([type |-> "2a", bal |-> b, val |-> v])
    /\ UNCHANGED <<maxBal, maxVBal, maxVal>>

Phase2b(a, b, v) ==
    /\ Proposed(b, v)
    /\ b >= maxBal[a]
    /\ maxBal' = [maxBal EXCEPT ![a] = b]
    /\ maxVBal' = [maxVBal EXCEPT ![a] = b]
    /\ maxVal' = [maxVal EXCEPT ![a] = v]
    /\ Send([type |-> "2b", acc |-> a, bal |-> b, val |-> v])

Next ==
    \/ \E b \in Ballot, md \in Mode : Phase1a(b, md)
    \/ \E b \in Ballot, v \in Value : Phase2a(b, v)
    \/ \E a \in Acceptor, b \in Ballot : Phase1b(a, b)
    \/ \E a \in Acceptor, b \in Ballot, v \in Value : Phase2b(a, b, v)

Spec == Init /\ [][Next]_vars

(***************************************************************************)
(* Safety, and the reachability the TypeScript model checks.               *)
(***************************************************************************)
\* The values that a Q2 quorum of a ballot's mode has voted for in that ballot.
chosen ==
    {v \in Value : \E b \in Ballot :
        /\ Invited(b)
        /\ \E Q \in Q2[BallotMode(b)] : \A a \in Q : VotedFor(a, b, v)}

Agreement == Cardinality(chosen) <= 1

\* A 'sometimes' property in synod; with TLC, check the invariant ~ValueChosen and expect a
\* violation, whose trace is the witness.
ValueChosen == chosen # {}

\* The switching rule, as a property of the menu: every phase-1 quorum of every mode meets every
\* phase-2 quorum of every mode. When it holds, OwnPairOnly makes no difference.
MenuIntersects == \A m1, m2 \in Mode : \A Q \in Q1[m1], R \in Q2[m2] : Q \cap R # {}

THEOREM Spec => []TypeOK

\* Only for the correct rule: OwnPairOnly exists to break it (unless MenuIntersects).
THEOREM (~OwnPairOnly \/ MenuIntersects) => (Spec => []Agreement)
=============================================================================
